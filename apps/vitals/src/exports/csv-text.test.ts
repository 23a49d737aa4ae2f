import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvText } from './csv-text.js';

describe('csvText', () => {
  it('writes what csv-stringify writes, quoting only the fields that need it', () => {
    const rows = [
      ['CARD01-S01-0001', '2026-03-01T08:00:00.000Z', 72, 120, 80, '36.6', null, 97],
      ['a,b', 'say "hi"', 'two\nlines', '', undefined, 0, -1.5],
      ['"', ',', '\r\n', ' spaced ', 'Heart Rate', 'beats/min', 'mm[Hg]', 'é'],
    ];
    expect(csvText(rows)).toBe(stringify(rows, { record_delimiter: 'unix' }));
    expect(csvText([['a,b', 'say "hi"']])).toBe('"a,b","say ""hi"""\n');
  });

  it('quotes a lone CR too, which csv-stringify leaves bare when records end in LF, so no reader takes it for a line end', () => {
    expect(csvText([['carriage\rreturn', 1]])).toBe('"carriage\rreturn",1\n');
  });

  it('writes nothing for no rows', () => {
    expect(csvText([])).toBe('');
  });
});
