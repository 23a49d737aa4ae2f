/**
 * `db.execute` answers with an array on postgres.js and with `{ rows }` on PGlite;
 * raw statements read their rows through this so both drivers share one code path.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows?: Row[] }).rows ?? [];
}
