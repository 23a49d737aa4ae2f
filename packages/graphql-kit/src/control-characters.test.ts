import { describe, expect, it } from 'vitest';
import { refuseControlCharacters } from './control-characters.js';
import { ErrorCode } from './errors.js';

const refusal = (args: Record<string, unknown>) => {
  try {
    refuseControlCharacters(args);
    return undefined;
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
};

describe('control characters in arguments', () => {
  it('are refused as BAD_USER_INPUT naming the argument, the character and where it is', () => {
    const error = refusal({ input: Object.assign(Object.create(null), { name: 'Ada\u0000Nul' }) });
    expect(error?.extensions).toEqual({ code: ErrorCode.BAD_USER_INPUT, field: 'input.name' });
    expect(error?.message).toBe(
      'input.name contains a control character (U+0000) at position 4: remove it; only tab, line feed and carriage return are allowed in text',
    );
  });

  it.each([
    ['an escape sequence', { reason: 'x\u001b[2J' }, 'reason'],
    ['DEL', { reason: 'x\u007f' }, 'reason'],
    ['a C1 control', { reason: '\u009b31m' }, 'reason'],
    ['one inside a list', { subjectNumbers: ['A-1', 'A-2\u0007'] }, 'subjectNumbers.1'],
  ])('finds %s', (_label, args, field) => {
    expect(refusal(args)?.extensions.field).toBe(field);
  });

  it('lets tab, line feed, carriage return, accents and emoji through, and ignores what is not text', () => {
    expect(refusal({ reason: 'line one\r\nline\ttwo', name: 'Zoë 🙂', age: 3, file: Promise.resolve('\u0000') })).toBeUndefined();
  });
});
