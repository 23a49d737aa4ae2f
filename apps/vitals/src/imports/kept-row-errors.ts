import type { RowErrorRecord } from './store.js';

export interface KeptRowErrorLimits {
  /** The most errors kept (the caller's `maxErrors`). */
  maxErrors: number;
  /** The most bytes of text (values and messages) kept in all: MAX_IMPORT_ERROR_BYTES. */
  maxBytes: number;
  /** A value or message is cut to this many characters: MAX_IMPORT_ERROR_TEXT_CHARS. */
  maxTextChars: number;
}

/**
 * The row errors an import keeps for its report, bounded in count and in bytes. A cell can be
 * 64 KiB (the parser's line limit) and a file can refuse every row: kept whole, 3,000 rows of a
 * 60,000-character heart rate held the cell twice each (value and message) and took vitals past
 * its heap. So each value and message is cut to a few hundred characters, saying how long it
 * was, and once the report holds `maxBytes` the next errors are counted, not kept.
 */
export class KeptRowErrors {
  readonly list: RowErrorRecord[] = [];
  #bytes = 0;
  #full = false;

  constructor(private readonly limits: KeptRowErrorLimits) {}

  /** Whether the next error would be dropped: its text need not even be built. */
  get full(): boolean {
    return this.#full || this.list.length >= this.limits.maxErrors;
  }

  add(error: RowErrorRecord): void {
    if (this.full) return;
    const value = error.value === null ? null : truncateText(error.value, this.limits.maxTextChars);
    const message = truncateText(error.message, this.limits.maxTextChars);
    const bytes = Buffer.byteLength(message) + (value === null ? 0 : Buffer.byteLength(value)) + (error.column?.length ?? 0) + error.code.length;
    if (this.#bytes + bytes > this.limits.maxBytes) {
      this.#full = true;
      return;
    }
    this.#bytes += bytes;
    this.list.push({ line: error.line, column: error.column, value, code: error.code, message });
  }
}

/**
 * `text` when short, else its first `maxChars` characters, an ellipsis and the original length:
 * `1111…(60000 characters)`. The cut is copied into a string of its own: V8 keeps a slice of a
 * long string as a view onto all of it, so a kept prefix would pin the whole cell in memory.
 */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = `…(${text.length} characters)`;
  let end = Math.max(1, maxChars - note.length);
  // Never split a surrogate pair: the half left behind is not a character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return Buffer.from(text.slice(0, end) + note, 'utf8').toString('utf8');
}
