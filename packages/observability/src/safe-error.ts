/**
 * Errors as they may leave the process (in a log line or a development response): without
 * the values of the statement that failed. A failing INSERT once logged its parameters, a
 * subject's name among them, and the database's own `detail` ("Failing row contains (…)",
 * "Key (…)=(…) already exists") carries values too. What stays: the error's kind, the SQL text
 * (it holds placeholders, never values), SQLSTATE, constraint, table and column names, and the
 * stack frames.
 */

/** Properties safe to keep: codes and names, never values. */
const SAFE_PROPERTIES = [
  'code',
  'severity',
  'constraint_name',
  'table_name',
  'column_name',
  'schema_name',
  'routine',
  'errno',
  'syscall',
  'dependency',
] as const;
const MAX_CAUSES = 5;

/** SQLSTATE class 22 (data exception) messages quote the offending value: `invalid input syntax for type uuid: "…"`. */
const QUOTES_VALUES = /^22/;

/** The message without statement parameters or quoted values. */
export function safeErrorMessage(error: unknown): string {
  if (!(error instanceof Error) && !(typeof error === 'object' && error !== null && 'message' in error)) return 'error';
  const { message, code } = error as { message?: unknown; code?: unknown };
  let text = typeof message === 'string' ? message : '';
  // drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>".
  const params = text.indexOf('\nparams:');
  if (params !== -1) text = text.slice(0, params);
  if (typeof code === 'string' && QUOTES_VALUES.test(code)) text = text.replace(/"[^"]*"/g, '"…"');
  return text;
}

/** A plain object for a log line: kind, safe message and properties, stack frames, and the causes the same way. */
export function serializeErrorSafely(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const record = error as Record<string, unknown> & { name?: unknown; stack?: unknown; cause?: unknown; extensions?: { code?: unknown } };
  const type = error instanceof Error ? (typeof record.name === 'string' && record.name !== 'Error' ? record.name : error.constructor.name) : 'Object';
  const message = safeErrorMessage(error);
  const serialized: Record<string, unknown> = { type, message };
  for (const property of SAFE_PROPERTIES) {
    const value = record[property];
    if (typeof value === 'string' || typeof value === 'number') serialized[property] = value;
  }
  if (typeof record.extensions?.code === 'string') serialized.extensionCode = record.extensions.code;
  if (typeof record.stack === 'string') {
    const frames = record.stack.split('\n').filter((line) => /^\s+at /.test(line));
    serialized.stack = [`${type}: ${message}`, ...frames].join('\n');
  }
  if (record.cause !== undefined && depth < MAX_CAUSES) serialized.cause = serializeErrorSafely(record.cause, depth + 1);
  return serialized;
}
