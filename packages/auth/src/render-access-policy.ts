import { ACCESS_POLICY, RIGHT_NAMES, type ScopeKind } from './access-policy.js';
import { ROLES } from './roles.js';

const SCOPE_WORDS: Record<ScopeKind, string> = {
  everywhere: 'all studies',
  study: 'their studies',
  site: 'their sites',
  listedSitesElseStudy: 'their sites if the token lists any, else their studies',
  sentByThem: 'what they sent',
};

/** `Query.studies` reads as `studies`, `Study.*` as `Study`, `Subject.name` stays as it is. */
function describeCoordinate(coordinate: string): string {
  const [typeName, field] = coordinate.split('.') as [string, string];
  if (typeName === 'Query' || typeName === 'Mutation') return `\`${field}\``;
  return field === '*' ? `\`${typeName}\`` : `\`${coordinate}\``;
}

/** ACCESS_POLICY as the README's Markdown table: one row per right, one column per role. */
export function renderAccessPolicyTable(): string {
  const header = `| right | fields and operations | ${ROLES.map((role) => `\`${role}\``).join(' | ')} |`;
  const rule = `|---|---|${ROLES.map(() => '---').join('|')}|`;
  const rows = RIGHT_NAMES.map((name) => {
    const right = ACCESS_POLICY[name];
    const grants: Partial<Record<string, ScopeKind>> = right.grants;
    const cells = ROLES.map((role) => {
      const kind = grants[role];
      return kind === undefined ? '—' : SCOPE_WORDS[kind];
    });
    return `| ${right.summary} | ${right.opens.map(describeCoordinate).join(', ')} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
