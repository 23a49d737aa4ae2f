import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The parts of a compose service these checks read. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string | number> };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/**
 * Compose's variable interpolation: `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?message}` (an error when unset or empty) and `$$` for a literal dollar.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?])([^}]*))?\}/g, (match, name: string | undefined, colon: string, kind: string, operand: string) => {
    if (match === '$$') return '$';
    const value = env[name as string];
    const missing = colon ? value === undefined || value === '' : value === undefined;
    if (!kind) return value ?? '';
    if (!missing) return value as string;
    if (kind === '-') return operand;
    throw new Error(`${name}: ${operand}`);
  });
}

/** Reads a compose file as `docker compose config` would, given the operator's environment. */
export function loadCompose(path: URL, env: Record<string, string | undefined>): ComposeFile {
  // Interpolation runs on the text, as compose does before it reads the YAML; `<<` merge keys resolve like compose's.
  return parse(interpolate(readFileSync(path, 'utf8'), env), { merge: true }) as ComposeFile;
}

export function dependsOn(service: ComposeService): string[] {
  const dependencies = service.depends_on ?? [];
  return Array.isArray(dependencies) ? dependencies : Object.keys(dependencies);
}

/** The host path mounted at `target` in a service, resolved against the compose file's folder. */
export function mountedAt(service: ComposeService, target: string, root: URL): URL | undefined {
  for (const volume of service.volumes ?? []) {
    const [source, mountTarget] = volume.split(':');
    if (mountTarget === target && source?.startsWith('.')) return new URL(source, root);
  }
  return undefined;
}

/** Go-style durations as compose writes them: `40s`, `1m30s`. */
export function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return total;
}

export interface DockerfileStage {
  name: string | undefined;
  base: string;
  /** Instructions of the stage, continuation lines joined: `["RUN", "npm ci …"]`. */
  instructions: Array<[string, string]>;
}

/** Splits a Dockerfile into its stages (comments dropped, `\` continuations joined). */
export function dockerfileStages(text: string): DockerfileStage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: DockerfileStage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const argument = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [base = '', , name] = argument.split(/\s+/);
      stages.push({ name, base, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push([keyword.toUpperCase(), argument]);
    }
  }
  return stages;
}
