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
