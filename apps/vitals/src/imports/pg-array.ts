/**
 * A PostgreSQL array literal of numbers, uuids or nulls. Each column of a batch travels as one
 * such text parameter, unnested on the server: one statement per batch whatever its size,
 * clear of the 65,534-parameter limit, and identical on postgres.js and PGlite.
 */
export function toArrayLiteral(values: ReadonlyArray<number | string | null>): string {
  let literal = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) literal += ',';
    const value = values[index];
    literal += value === null || value === undefined ? 'NULL' : String(value);
  }
  return `${literal}}`;
}
