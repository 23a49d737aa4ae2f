import { CsvFileError } from './csv-file-error.js';

/** Receives each record with the 1-based line of the file on which it starts. */
export type RecordSink = (fields: string[], line: number) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/**
 * Splits text pushed in chunks into CSV records (RFC 4180 quoting, CRLF or LF), with the
 * delimiter detected on the header line. Lines without a quote take a fast path through
 * `indexOf` and `split`, which is where nearly all of a device export's rows go; quoted
 * records are walked character by character. Holds back only the unfinished last record.
 */
export class CsvRecordSplitter {
  private carry = '';
  private line = 1;
  delimiter: string | null = null;

  constructor(private readonly maxRecordLength: number) {}

  push(text: string, sink: RecordSink): void {
    const buffer = this.carry.length === 0 ? text : this.carry + text;
    this.carry = '';
    const consumed = this.split(buffer, sink, false);
    this.carry = buffer.slice(consumed);
    if (this.carry.length > this.maxRecordLength) this.tooLong();
  }

  end(sink: RecordSink): void {
    if (this.carry.length === 0) return;
    const rest = this.carry;
    this.carry = '';
    this.split(rest, sink, true);
  }

  /** Returns how much of `buffer` was consumed as whole records. */
  private split(buffer: string, sink: RecordSink, atEnd: boolean): number {
    let position = 0;
    let nextQuote = -2;
    while (position < buffer.length) {
      if (this.delimiter === null && !this.detectDelimiter(buffer, position, atEnd)) return position;
      const delimiter = this.delimiter!;
      let newline = buffer.indexOf('\n', position);
      if (newline === -1) {
        if (!atEnd) return position;
        newline = buffer.length;
      }
      if (nextQuote !== -1 && nextQuote < position) nextQuote = buffer.indexOf('"', position);
      if (nextQuote === -1 || nextQuote > newline) {
        const end = newline > position && buffer.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
        if (end - position > this.maxRecordLength) this.tooLong();
        if (end > position) sink(splitFields(buffer, position, end, delimiter), this.line);
        this.line++;
        position = newline + 1;
        continue;
      }
      const quotedEnd = this.splitQuoted(buffer, position, delimiter, sink, atEnd);
      if (quotedEnd === -1) return position;
      position = quotedEnd;
    }
    return buffer.length;
  }

  /** Reads one record that contains quotes; returns where the next begins, or -1 if unfinished. */
  private splitQuoted(buffer: string, start: number, delimiter: string, sink: RecordSink, atEnd: boolean): number {
    const delimiterCode = delimiter.charCodeAt(0);
    const fields: string[] = [];
    let field = '';
    let position = start;
    let newlinesInside = 0;
    let fieldStart = position;
    while (true) {
      if (position - start > this.maxRecordLength) this.tooLong();
      if (position >= buffer.length) {
        if (!atEnd) return -1;
        fields.push(field + buffer.slice(fieldStart, position));
        sink(fields, this.line);
        this.line += newlinesInside + 1;
        return position;
      }
      const code = buffer.charCodeAt(position);
      if (code === QUOTE && position === fieldStart && field.length === 0) {
        // A quoted field: runs to the closing quote, "" stands for one quote.
        let cursor = position + 1;
        let value = '';
        while (true) {
          const close = buffer.indexOf('"', cursor);
          if (close === -1) {
            if (!atEnd) return -1;
            value += buffer.slice(cursor);
            newlinesInside += countNewlines(buffer, cursor, buffer.length);
            cursor = buffer.length;
            break;
          }
          newlinesInside += countNewlines(buffer, cursor, close);
          value += buffer.slice(cursor, close);
          if (buffer.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            cursor = close + 2;
            continue;
          }
          if (close + 1 >= buffer.length && !atEnd) return -1;
          cursor = close + 1;
          break;
        }
        if (cursor - start > this.maxRecordLength) this.tooLong();
        field = value;
        position = cursor;
        fieldStart = cursor;
        continue;
      }
      if (code === delimiterCode) {
        fields.push(field + buffer.slice(fieldStart, position));
        field = '';
        position++;
        fieldStart = position;
        continue;
      }
      if (code === LF) {
        let end = position;
        if (end > fieldStart && buffer.charCodeAt(end - 1) === CR) end--;
        fields.push(field + buffer.slice(fieldStart, end));
        sink(fields, this.line);
        this.line += newlinesInside + 1;
        return position + 1;
      }
      position++;
    }
  }

  /** Picks the delimiter that occurs most often on the first non-blank line (the header). */
  private detectDelimiter(buffer: string, position: number, atEnd: boolean): boolean {
    let newline = buffer.indexOf('\n', position);
    if (newline === -1) {
      if (!atEnd) {
        if (buffer.length - position > this.maxRecordLength) this.tooLong();
        return false;
      }
      newline = buffer.length;
    }
    const header = buffer.slice(position, newline);
    let best: string = ',';
    let bestCount = 0;
    for (const candidate of CANDIDATE_DELIMITERS) {
      const count = header.split(candidate).length - 1;
      if (count > bestCount) {
        best = candidate;
        bestCount = count;
      }
    }
    this.delimiter = best;
    return true;
  }

  private tooLong(): never {
    throw new CsvFileError(
      'LINE_TOO_LONG',
      `the record starting on line ${this.line} is longer than ${this.maxRecordLength} characters: is this a CSV file, and are its quotes closed?`,
    );
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
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
