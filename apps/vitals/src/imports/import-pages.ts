import {
  BadUserInputError,
  checkPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  isWholeNumberBetween,
  toConnection,
  type Connection,
} from '@trialgraph/graphql-kit';
import type { VitalsImportErrorRow, VitalsImportRow } from '../db/schema.js';

/** Cursors and page sizes of the import reports and of their row errors, both Relay connections. */

/** Where a page of a study's imports resumes: after the import started at `startedAt` (ISO) with this id, newest first. */
export interface ImportPosition {
  startedAt: string;
  id: string;
}

/** Where a page of an import's row errors resumes: after this line and, within it, this error. */
export interface ImportErrorPosition {
  line: number;
  id: number;
}

const isLine = isWholeNumberBetween(0, 2 ** 31 - 1);
const isErrorId = isWholeNumberBetween(0, Number.MAX_SAFE_INTEGER);

const isImportPosition = (value: unknown): value is ImportPosition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ImportPosition).startedAt === 'string' &&
  !Number.isNaN(Date.parse((value as ImportPosition).startedAt)) &&
  typeof (value as ImportPosition).id === 'string' &&
  isUuid((value as ImportPosition).id);

const isErrorPosition = (value: unknown): value is ImportErrorPosition =>
  typeof value === 'object' && value !== null && isLine((value as ImportErrorPosition).line) && isErrorId((value as ImportErrorPosition).id);

/**
 * One list's cursors: the kind that tells them from another list's, the position a row is at, and
 * the check a decoded position must pass before it reaches SQL.
 */
function listCursors<Row, Position>(kind: string, positionOf: (row: Row) => Position, isPosition: (value: unknown) => value is Position) {
  return {
    decode: (after: string): Position => decodeCursor(kind, after, isPosition),
    connection: (rows: Row[], page: { first: number; after: Position | undefined; totalCount: number }): Connection<Row> =>
      toConnection({
        rows,
        first: page.first,
        totalCount: page.totalCount,
        hasPreviousPage: page.after !== undefined,
        cursorOf: (row) => encodeCursor(kind, positionOf(row)),
      }),
  };
}

const importCursors = listCursors<VitalsImportRow, ImportPosition>(
  'imports',
  (row) => ({ startedAt: row.startedAt.toISOString(), id: row.id }),
  isImportPosition,
);
const errorCursors = listCursors<VitalsImportErrorRow, ImportErrorPosition>('importErrors', (row) => ({ line: row.line, id: row.id }), isErrorPosition);

export const importPageSize = (first: number | null | undefined) => checkPageSize(first, 20, 100);
export const errorPageSize = (first: number | null | undefined) => checkPageSize(first, 100, 1000);

export function importAfter(after: string | null | undefined): ImportPosition | undefined {
  return after ? importCursors.decode(after) : undefined;
}

/**
 * An error page's `after`: a cursor of the list, or, as clients sent before errors became a
 * connection, the line of the last error they have (every error of a later line follows).
 */
export function importErrorAfter(after: string | null | undefined): ImportErrorPosition | undefined {
  if (!after) return undefined;
  if (/^\d{1,10}$/.test(after)) {
    const line = Number(after);
    if (!isLine(line)) throw new BadUserInputError(`"after" line ${after} is beyond any file`, { field: 'after' });
    return { line, id: Number.MAX_SAFE_INTEGER };
  }
  return errorCursors.decode(after);
}

export const toImportConnection = importCursors.connection;
export const toImportErrorConnection = errorCursors.connection;
