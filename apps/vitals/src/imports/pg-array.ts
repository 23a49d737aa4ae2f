/**
 * A PostgreSQL array literal of numbers, uuids or nulls. Each column of a batch travels as one
 * such text parameter, unnested on the server: one statement per batch whatever its size,
 * clear of the 65,534-parameter limit, and identical on postgres.js and PGlite.
 *
 * Built with `join`, which yields one flat string: appending with `+=` makes a rope of small
 * strings per element, and a batch waits long enough in the write queue for that rope to be
 * promoted to the old generation, where it made the heap grow with the size of the file.
 */
export function toArrayLiteral(values: ReadonlyArray<number | string | null>): string {
  const elements = new Array<number | string>(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    elements[index] = value === null || value === undefined ? 'NULL' : value;
  }
  return `{${elements.join(',')}}`;
}
