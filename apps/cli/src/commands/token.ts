import { identityFromClaims, isRole, ROLES, TokenLifetimeTooLongError, type Role } from '@trialgraph/auth';
import { mintDevToken, missingScope, type TokenRequest } from './mint-dev-token.js';

export interface TokenOptions {
  role: string[];
  study: string[];
  site: string[];
  subject?: string;
  expires: string;
  gateway: string;
}

/**
 * `trialgraph token`: prints a signed token (and nothing else, so `$(…)` captures it). The
 * study of a --site is looked up on the running gateway when --study is not given.
 */
export async function printToken(options: TokenOptions): Promise<number> {
  const unknown = options.role.filter((role) => !isRole(role));
  if (options.role.length === 0 || unknown.length > 0) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}${unknown.length ? `; got ${unknown.join(', ')}` : ''}\n`);
    return 1;
  }
  const request: TokenRequest = {
    roles: options.role as Role[],
    studies: [...options.study],
    sites: [...options.site],
    subject: options.subject,
    expiresIn: options.expires,
  };
  if (request.studies.length === 0 && request.sites.length > 0) {
    try {
      request.studies = await studiesOfSites(options.gateway, request.sites);
    } catch (error) {
      process.stderr.write(`could not look up the study of --site on ${options.gateway} (${(error as Error).message}); pass --study <id>\n`);
      return 1;
    }
  }
  const missing = missingScope(request);
  if (missing) {
    process.stderr.write(`${missing}\n`);
    return 1;
  }
  try {
    // The services refuse a token whose study or site ids are not ids (a "*" grants nothing).
    identityFromClaims({ sub: request.subject ?? 'check', roles: request.roles, studies: request.studies, sites: request.sites });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}: pass the "id" of a study to --study and of a site to --site\n`);
    return 1;
  }
  try {
    process.stdout.write(`${await mintDevToken(request)}\n`);
  } catch (error) {
    if (!(error instanceof TokenLifetimeTooLongError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  return 0;
}

async function studiesOfSites(gateway: string, siteIds: readonly string[]): Promise<string[]> {
  const admin = await mintDevToken({ roles: ['ADMIN'], studies: [], sites: [], subject: 'trialgraph-cli', expiresIn: '1m' });
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ query: '{ studies { id sites { id } } }' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: { studies: Array<{ id: string; sites: Array<{ id: string }> }> }; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  const studies = body.data.studies.filter((study) => study.sites.some((site) => siteIds.includes(site.id))).map((study) => study.id);
  if (studies.length === 0) throw new Error('no study has that site');
  return studies;
}
