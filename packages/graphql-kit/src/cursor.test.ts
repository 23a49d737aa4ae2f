import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isWholeNumberBetween } from './cursor.js';
import { ErrorCode } from './errors.js';

const isNumber = (value: unknown): value is number => typeof value === 'number';

describe('cursors', () => {
  it('round-trips a position through an opaque string', () => {
    const cursor = encodeCursor('subjects', 42);
    expect(cursor).not.toContain('42');
    expect(decodeCursor('subjects', cursor, isNumber)).toBe(42);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a cursor of another list', encodeCursor('vitals', 42)],
    ['a cursor with a wrong position', encodeCursor('subjects', 'x')],
  ])('refuses %s with BAD_USER_INPUT', (_label, cursor) => {
    expect(() => decodeCursor('subjects', cursor, isNumber)).toThrow(
      expect.objectContaining({ extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'after' } }),
    );
  });

  it('refuses a forged position outside the column it is compared with, instead of failing in SQL', () => {
    const isSequence = isWholeNumberBetween(0, 2_147_483_647);
    expect(decodeCursor('subjects', encodeCursor('subjects', 2_147_483_647), isSequence)).toBe(2_147_483_647);
    for (const position of [2_147_483_648, 1e12, -1, 1.5, Infinity]) {
      expect(() => decodeCursor('subjects', encodeCursor('subjects', position), isSequence)).toThrow(
        expect.objectContaining({ extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'after' } }),
      );
    }
  });
});
