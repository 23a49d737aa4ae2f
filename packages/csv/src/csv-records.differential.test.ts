import { CsvError, parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFileError } from './csv-file-error.js';
import { CsvRecordSplitter } from './csv-records.js';

/**
 * The hand-written record layer against csv-parse in strict mode, on random and adversarial
 * text: the same records, field for field, or one of the differences documented on
 * CsvRecordSplitter, each pinned by a test below.
 */
type Ours = { records: string[][]; faulty: boolean } | { error: string };

function splitWithOurs(text: string, chunkSizes: number[] = [text.length || 1]): Ours {
  const splitter = new CsvRecordSplitter(1_000_000);
  const records: string[][] = [];
  let faulty = false;
  const sink = (fields: string[], _line: number, fault: unknown) => {
    records.push(fields);
    if (fault !== null) faulty = true;
  };
  try {
    for (let at = 0, index = 0; at < text.length; index++) {
      const size = Math.max(1, chunkSizes[index % chunkSizes.length]!);
      splitter.push(text.slice(at, at + size), sink);
      at += size;
    }
    splitter.end(sink);
  } catch (error) {
    if (error instanceof CsvFileError) return { error: error.code };
    throw error;
  }
  return { records, faulty };
}

function splitWithCsvParse(text: string, delimiter: string, relaxQuotes = false): string[][] | { error: string } {
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: relaxQuotes });
  } catch (error) {
    if (error instanceof CsvError) return { error: error.code };
    throw error;
  }
}

const BREAKS = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const;

/**
 * A header of plain names, then any mix of delimiters, quotes, escaped quotes, text, line
 * breaks and stray carriage returns or line feeds that are data in the file's line ending
 * (a CR followed by text; a LF after text in a CR file): everything but the documented
 * differences about line endings, which have tests of their own below.
 */
const input = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t'),
    lineBreak: fc.constantFrom('LF', 'CRLF', 'CR'),
    columns: fc.integer({ min: 1, max: 5 }),
    body: fc.array(
      fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom('DELIMITER', 'BREAK', '"', '""', 'a', 'b c', ' ', ',', ';', '\t', 'é', '😀', '\rx') },
        // No NUL: a file holding one is refused whole as NOT_TEXT before records are read, and csv-parse
        // takes a NUL after a closing quote as the field's text (`""` then NUL reads as one NUL field).
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 5 }).map((text) => text.replace(/[\r\n\u0000]/g, '')) },
        { weight: 1, arbitrary: fc.constant('LONE_LF') },
      ),
      { maxLength: 60 },
    ),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
  })
  .map(({ delimiter, lineBreak, columns, body, chunkSizes }) => {
    const header = Array.from({ length: columns + 1 }, (_, index) => `h${index}`).join(delimiter);
    const text = body
      .map((token) => {
        if (token === 'DELIMITER') return delimiter;
        if (token === 'BREAK') return BREAKS[lineBreak];
        // Never right after a CR: CR LF would be read as one line break, CRLF the file's line ending.
        if (token === 'LONE_LF') return lineBreak === 'CR' ? 'x\n' : BREAKS[lineBreak];
        return token;
      })
      .join('');
    return { delimiter, text: `${header}${BREAKS[lineBreak]}${text}`, chunkSizes };
  });

describe('the record layer against csv-parse (strict)', () => {
  it('splits every input into the same records, or differs only as documented', () => {
    let compared = 0;
    fc.assert(
      fc.property(input, ({ delimiter, text, chunkSizes }) => {
        const ours = splitWithOurs(text, chunkSizes);
        const strict = splitWithCsvParse(text, delimiter);
        if (Array.isArray(strict)) {
          compared++;
          expect(ours).toEqual({ records: strict, faulty: false });
          return;
        }
        switch (strict.error) {
          case 'CSV_QUOTE_NOT_CLOSED':
            expect(ours).toEqual({ error: 'UNCLOSED_QUOTE' });
            return;
          case 'CSV_INVALID_CLOSING_QUOTE':
            // Ours refuses the record (or, further on, the file for an unclosed quote); csv-parse the file.
            expect('error' in ours ? ours.error === 'UNCLOSED_QUOTE' : ours.faulty).toBe(true);
            return;
          case 'INVALID_OPENING_QUOTE': {
            // Ours reads a quote inside an unquoted field as text, as relax_quotes does.
            const relaxed = splitWithCsvParse(text, delimiter, true);
            if ('error' in ours) expect(relaxed).toEqual({ error: 'CSV_QUOTE_NOT_CLOSED' });
            else if (!ours.faulty) expect(ours.records).toEqual(relaxed);
            return;
          }
          default:
            throw new Error(`csv-parse failed in a way the record layer does not account for: ${strict.error}`);
        }
      }),
      { numRuns: 2_000 },
    );
    // The property must mostly compare records, not only agree on refusals.
    expect(compared).toBeGreaterThan(500);
    // A guard against a hang on a loaded machine, not a speed claim: the run takes seconds.
  }, 180_000);

  describe('the documented differences', () => {
    it('reads a quote inside an unquoted field as text, as relax_quotes does; strict csv-parse refuses the file', () => {
      const text = 'h0,h1\n5\'10",x\n';
      expect(splitWithCsvParse(text, ',')).toEqual({ error: 'INVALID_OPENING_QUOTE' });
      expect(splitWithOurs(text)).toEqual({ records: splitWithCsvParse(text, ',', true), faulty: false });
      expect(splitWithOurs(text)).toMatchObject({
        records: [
          ['h0', 'h1'],
          ['5\'10"', 'x'],
        ],
      });
    });

    it('marks the one record with text after a closing quote and reads on; strict csv-parse refuses the file', () => {
      const text = 'h0,h1\n"120"/80,x\n"a",b\n';
      expect(splitWithCsvParse(text, ',')).toEqual({ error: 'CSV_INVALID_CLOSING_QUOTE' });
      const faults: Array<[number, unknown]> = [];
      const splitter = new CsvRecordSplitter(1_000);
      const sink = (_fields: string[], line: number, fault: unknown) => void faults.push([line, fault]);
      splitter.push(text, sink);
      splitter.end(sink);
      expect(faults).toEqual([
        [1, null],
        [2, { field: 0, message: '"/80" follows the closing quote of field 1: a quoted field ends at its closing quote (write a quote inside it as "")' }],
        [3, null],
      ]);
    });

    it('takes a CR before a LF as part of the line ending in a LF file, where csv-parse keeps it in the field', () => {
      const text = 'h0,h1\na,b\r\nc,d\n';
      expect(splitWithCsvParse(text, ',')).toEqual([
        ['h0', 'h1'],
        ['a', 'b\r'],
        ['c', 'd'],
      ]);
      expect(splitWithOurs(text)).toEqual({
        records: [
          ['h0', 'h1'],
          ['a', 'b'],
          ['c', 'd'],
        ],
        faulty: false,
      });
    });

    it('ends a line at a lone LF in a CRLF file, where csv-parse reads it as text', () => {
      const text = 'h0,h1\r\na,b\nc,d\r\n';
      expect(splitWithCsvParse(text, ',')).toEqual([
        ['h0', 'h1'],
        ['a', 'b\nc', 'd'],
      ]);
      expect(splitWithOurs(text)).toEqual({
        records: [
          ['h0', 'h1'],
          ['a', 'b'],
          ['c', 'd'],
        ],
        faulty: false,
      });
    });

    it('skips blank lines before the header, where csv-parse gives lines of spaces or delimiters as records', () => {
      const text = '  \n;;\nh0,h1\na,b\n';
      expect(splitWithCsvParse(text, ',')).toEqual([['  '], [';;'], ['h0', 'h1'], ['a', 'b']]);
      expect(splitWithOurs(text)).toEqual({
        records: [
          ['h0', 'h1'],
          ['a', 'b'],
        ],
        faulty: false,
      });
    });

    it('refuses an unclosed quote as csv-parse does, naming the line it opened on', () => {
      const text = 'h0,h1\na,b\nc,"d\ne,f\n';
      expect(splitWithCsvParse(text, ',')).toEqual({ error: 'CSV_QUOTE_NOT_CLOSED' });
      expect(() => splitWithOurs(text)).not.toThrow();
      expect(splitWithOurs(text)).toEqual({ error: 'UNCLOSED_QUOTE' });
    });
  });
});
