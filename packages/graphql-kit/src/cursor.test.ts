import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
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
    expect(() => decodeCursor('subjects', cursor, isNumber)).toThrowError(
      expect.objectContaining({ extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'after' } }),
    );
  });
});
