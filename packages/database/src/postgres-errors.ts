/**
 * SQLSTATE 23505, as raised by postgres.js and by PGlite; drizzle wraps driver errors,
 * so the cause chain is walked. `constraint` narrows it to one index when given.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const fields = current as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (fields.code === '23505') {
      return constraint === undefined || fields.constraint_name === constraint || fields.constraint === constraint;
    }
    current = current.cause;
  }
  return false;
}
