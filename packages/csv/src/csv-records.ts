import { CsvFileError } from './csv-file-error.js';

/**
 * Receives each record with the 1-based line of the file on which it starts, and the quote
 * fault that spoils it, if any.
 */
export type RecordSink = (fields: string[], line: number, fault: QuoteFault | null) => void;

/** Text after the closing quote of a quoted field (`"120"/80`): RFC 4180 allows none. */
export interface QuoteFault {
  /** 0-based index of the field. */
  field: number;
  message: string;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/**
 * Splits text pushed in chunks into CSV records (RFC 4180 quoting; CRLF, LF or CR line
 * endings), with the delimiter and the line ending read off the header. Lines without a quote
 * take a fast path through `indexOf`, which is where nearly all of a device export's rows go;
 * quoted records are walked field by field. Holds back only the unfinished last record.
 *
 * Where it departs from csv-parse in strict mode (each a choice, tested in
 * csv-records.differential.test.ts):
 * - a quote inside an unquoted field is text (`5'10"`), as csv-parse's `relax_quotes`;
 * - text after a closing quote spoils only that record (a QuoteFault), not the whole file;
 * - in a file whose first line ends in LF or CRLF, a CR before a LF always belongs to the line
 *   ending, so files mixing CRLF and LF read as meant;
 * - empty lines are not records (`skip_empty_lines`), and blank lines before the header are skipped.
 */
export class CsvRecordSplitter {
  private carry = '';
  /** Length of `carry` when it was last scanned without finding the end of its record. */
  private scanned = 0;
  private line = 1;
  /** LF (which also covers CRLF) or CR, read off the first line break of the file. */
  private lineBreak = 0;
  delimiter: string | null = null;

  constructor(private readonly maxRecordLength: number) {}

  /** Characters held back for records not yet finished: never more than `maxRecordLength`. */
  get heldBack(): number {
    return this.carry.length;
  }

  push(text: string, sink: RecordSink): void {
    this.carry = this.carry.length === 0 ? text : this.carry + text;
    // A long unfinished record fed in tiny chunks would be rescanned for each one (quadratic):
    // scan again only once the text since the last scan is as long as what was scanned then.
    if (this.carry.length - this.scanned < this.scanned && this.carry.length <= this.maxRecordLength) return;
    const buffer = this.carry;
    const consumed = this.split(buffer, sink, false);
    this.carry = consumed === 0 ? buffer : buffer.slice(consumed);
    this.scanned = this.carry.length;
  }

  end(sink: RecordSink): void {
    const rest = this.carry;
    this.carry = '';
    this.scanned = 0;
    this.split(rest, sink, true);
  }

  /** Returns how much of `buffer` was consumed as whole records. */
  private split(buffer: string, sink: RecordSink, atEnd: boolean): number {
    let position = 0;
    if (this.delimiter === null) {
      const header = this.findHeader(buffer, atEnd);
      if (header < 0) return -1 - header;
      position = header;
    }
    const delimiter = this.delimiter;
    if (delimiter === null) throw new Error('CsvRecords: the header was found but no delimiter was set');
    const breakChar = this.lineBreak === CR ? '\r' : '\n';
    const stripCr = this.lineBreak === LF;
    let nextQuote = -2;
    while (position < buffer.length) {
      let lineEnd = buffer.indexOf(breakChar, position);
      if (lineEnd === -1) lineEnd = buffer.length;
      if (nextQuote !== -1 && nextQuote < position) nextQuote = buffer.indexOf('"', position);
      if (nextQuote !== -1 && nextQuote < lineEnd) {
        const next = this.splitQuoted(buffer, position, sink, atEnd, delimiter);
        if (next === -1) return position;
        position = next;
        continue;
      }
      if (lineEnd === buffer.length && !atEnd) {
        if (lineEnd - position > this.maxRecordLength) this.tooLong();
        return position;
      }
      const end = stripCr && lineEnd > position && lineEnd < buffer.length && buffer.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      if (end - position > this.maxRecordLength) this.tooLong();
      if (end > position) sink(splitFields(buffer, position, end, delimiter), this.line, null);
      this.line++;
      position = lineEnd + 1;
    }
    return buffer.length;
  }

  /** Reads one record that contains a quote; returns where the next begins, or -1 if unfinished. */
  private splitQuoted(buffer: string, start: number, sink: RecordSink, atEnd: boolean, delimiter: string): number {
    const delimiterCode = delimiter.charCodeAt(0);
    const breakCode = this.lineBreak;
    const breakChar = breakCode === CR ? '\r' : '\n';
    const fields: string[] = [];
    let fault: QuoteFault | null = null;
    let breaksInside = 0;
    let position = start;
    while (true) {
      let value = '';
      const quoted = buffer.charCodeAt(position) === QUOTE;
      if (quoted) {
        const openedOn = this.line + breaksInside;
        let cursor = position + 1;
        while (true) {
          const close = buffer.indexOf('"', cursor);
          if (close === -1) {
            if (atEnd) this.unclosedQuote(openedOn, 'by the end of the file');
            if (buffer.length - start > this.maxRecordLength)
              this.unclosedQuote(openedOn, `within ${this.maxRecordLength} characters, the longest record accepted`);
            return -1;
          }
          breaksInside += countOf(buffer, breakChar, cursor, close);
          value += buffer.slice(cursor, close);
          // A quote at the end of a chunk may be the first of an escaped "".
          if (close + 1 === buffer.length && !atEnd) {
            if (buffer.length - start > this.maxRecordLength) this.tooLong();
            return -1;
          }
          if (buffer.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            cursor = close + 2;
            continue;
          }
          position = close + 1;
          break;
        }
      }
      let end = position;
      while (end < buffer.length) {
        const code = buffer.charCodeAt(end);
        if (code === delimiterCode || code === breakCode) break;
        end++;
      }
      if (end - start > this.maxRecordLength) this.tooLong();
      if (end === buffer.length && !atEnd) return -1;
      const textEnd = breakCode === LF && end < buffer.length && end > position && buffer.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (quoted && textEnd > position && fault === null) {
        fault = {
          field: fields.length,
          message: `"${buffer.slice(position, Math.min(textEnd, position + 20))}" follows the closing quote of field ${fields.length + 1}: a quoted field ends at its closing quote (write a quote inside it as "")`,
        };
      }
      fields.push(value + buffer.slice(position, textEnd));
      if (end < buffer.length && buffer.charCodeAt(end) === delimiterCode) {
        position = end + 1;
        continue;
      }
      sink(fields, this.line, fault);
      this.line += breaksInside + 1;
      return end === buffer.length ? end : end + 1;
    }
  }

  /**
   * Reads the line ending off the first line break, skips the blank lines before the header
   * (exports often start with one), and picks the delimiter that occurs most often on the
   * header. Returns where the header starts, or -1 - (what it consumed) when it needs more text.
   */
  private findHeader(buffer: string, atEnd: boolean): number {
    if (this.lineBreak === 0) {
      const first = indexOfLineBreak(buffer);
      if (first === -1 || (first + 1 === buffer.length && buffer.charCodeAt(first) === CR)) {
        if (!atEnd) {
          if (buffer.length > this.maxRecordLength) this.tooLong();
          return -1;
        }
      }
      this.lineBreak = first !== -1 && buffer.charCodeAt(first) === CR && buffer.charCodeAt(first + 1) !== LF ? CR : LF;
    }
    const breakChar = this.lineBreak === CR ? '\r' : '\n';
    let position = 0;
    while (true) {
      let lineEnd = buffer.indexOf(breakChar, position);
      if (lineEnd === -1) {
        if (!atEnd) {
          if (buffer.length - position > this.maxRecordLength) this.tooLong();
          return -1 - position;
        }
        lineEnd = buffer.length;
      }
      if (!isBlankLine(buffer, position, lineEnd) || lineEnd === buffer.length) {
        this.delimiter = mostFrequentDelimiter(buffer, position, lineEnd);
        return position;
      }
      this.line++;
      position = lineEnd + 1;
    }
  }

  private tooLong(): never {
    throw new CsvFileError(
      'LINE_TOO_LONG',
      `the record starting on line ${this.line} is longer than ${this.maxRecordLength} characters: is this a CSV file of vital signs?`,
    );
  }

  private unclosedQuote(line: number, where: string): never {
    throw new CsvFileError(
      'UNCLOSED_QUOTE',
      `the quote opened on line ${line} is not closed ${where}: every line after it would be read as text inside one field. Close it, or write a quote inside a field as ""`,
    );
  }
}

function indexOfLineBreak(text: string): number {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (lf === -1) return cr;
  return cr === -1 || lf < cr ? lf : cr;
}

/** Nothing but spaces, tabs, commas and semicolons: nothing to read a delimiter from. */
function isBlankLine(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code !== SPACE && code !== TAB && code !== CR && code !== 44 && code !== 59) return false;
  }
  return true;
}

function mostFrequentDelimiter(text: string, from: number, to: number): string {
  let best: string = ',';
  let bestCount = 0;
  for (const candidate of CANDIDATE_DELIMITERS) {
    const count = countOf(text, candidate, from, to);
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function countOf(text: string, char: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf(char, from); at !== -1 && at < to; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** `buffer.slice(start, end).split(delimiter)` without the intermediate line string: one less allocation per row. */
function splitFields(buffer: string, start: number, end: number, delimiter: string): string[] {
  const fields: string[] = [];
  let fieldStart = start;
  for (let at = buffer.indexOf(delimiter, start); at !== -1 && at < end; at = buffer.indexOf(delimiter, at + 1)) {
    fields.push(buffer.slice(fieldStart, at));
    fieldStart = at + 1;
  }
  fields.push(buffer.slice(fieldStart, end));
  return fields;
}
