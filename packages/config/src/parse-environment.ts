import { z } from 'zod';

/**
 * Thrown when the environment does not satisfy a process's schema; lists every problem at once,
 * each naming the variable and what is wrong with it, never its value: a value may be a secret
 * (a short JWT_SECRET, a database URL with its password) and this message goes to the logs.
 */
export class EnvironmentError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'EnvironmentError';
    this.problems = problems;
  }
}

export interface EnvironmentOptions {
  /**
   * Variables renamed, old name → new name: the old name is still read for one release, when the
   * new one is unset, so a deployment keeps working while it is told to rename it.
   */
  renamed?: Readonly<Record<string, string>>;
  /** Where the deprecation of a renamed variable is told. */
  warn?: (message: string) => void;
}

/**
 * Validates `env` against `schema` and returns a frozen, typed copy.
 * Empty strings count as unset, so `FOO=` in a compose file falls back to the default
 * instead of failing a URL or number check.
 */
export function parseEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
  options: EnvironmentOptions = {},
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const renamed = options.renamed ?? {};
  const isSet = (value: string | undefined): value is string => value !== undefined && value !== '';
  const present: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => isSet(entry[1]) && !Object.hasOwn(renamed, entry[0])),
  );
  for (const [old, now] of Object.entries(renamed)) {
    const value = env[old];
    if (!isSet(value)) continue;
    if (present[now] === undefined) {
      present[now] = value;
      options.warn?.(`${old} is deprecated and will not be read in the next release: rename it ${now}`);
    } else {
      options.warn?.(`${old} is deprecated and ignored, since ${now} is set: remove it`);
    }
  }
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    throw new EnvironmentError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return Object.freeze(result.data);
}

/**
 * The start-up entry point: parse or print every problem and exit 1,
 * because a process that starts half-configured fails later and less clearly.
 */
export function loadEnvironmentOrExit<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
  options: Pick<EnvironmentOptions, 'renamed'> = {},
): Readonly<z.infer<z.ZodObject<Shape>>> {
  try {
    return parseEnvironment(shape, env, { ...options, warn: (message) => process.emitWarning(message, 'DeprecationWarning') });
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
