import { BadUserInputError } from './errors.js';

/**
 * Opaque Relay cursors: base64url of a kind-tagged JSON value, so a cursor of one list
 * cannot be replayed against another and clients cannot depend on its contents.
 */
export function encodeCursor(kind: string, position: unknown): string {
  return Buffer.from(JSON.stringify([kind, position]), 'utf8').toString('base64url');
}

export function decodeCursor<T>(kind: string, cursor: string, isPosition: (value: unknown) => value is T): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 2 && decoded[0] === kind && isPosition(decoded[1])) {
    return decoded[1];
  }
  throw new BadUserInputError(`"after" is not a cursor of this list: pass an endCursor or edge cursor returned by it`, {
    field: 'after',
  });
}

/**
 * A cursor position that is a whole number within the column it is compared with: a forged
 * cursor outside it (1e12 for an integer sequence) would otherwise fail in SQL, not as bad input.
 */
export function isWholeNumberBetween(min: number, max: number): (value: unknown) => value is number {
  return (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}
