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

const IMPORTS_CURSOR = 'imports';
const ERRORS_CURSOR = 'importErrors';
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

export const importPageSize = (first: number | null | undefined) => checkPageSize(first, 20, 100);
export const errorPageSize = (first: number | null | undefined) => checkPageSize(first, 100, 1000);

export function importAfter(after: string | null | undefined): ImportPosition | undefined {
  return after ? decodeCursor(IMPORTS_CURSOR, after, isImportPosition) : undefined;
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
  return decodeCursor(ERRORS_CURSOR, after, isErrorPosition);
}

export function toImportConnection(
  rows: VitalsImportRow[],
  page: { first: number; after: ImportPosition | undefined; totalCount: number },
): Connection<VitalsImportRow> {
  return toConnection({
    rows,
    first: page.first,
    totalCount: page.totalCount,
    hasPreviousPage: page.after !== undefined,
    cursorOf: (row) => encodeCursor(IMPORTS_CURSOR, { startedAt: row.startedAt.toISOString(), id: row.id } satisfies ImportPosition),
  });
}

export function toImportErrorConnection(
  rows: VitalsImportErrorRow[],
  page: { first: number; after: ImportErrorPosition | undefined; totalCount: number },
): Connection<VitalsImportErrorRow> {
  return toConnection({
    rows,
    first: page.first,
    totalCount: page.totalCount,
    hasPreviousPage: page.after !== undefined,
    cursorOf: (row) => encodeCursor(ERRORS_CURSOR, { line: row.line, id: row.id } satisfies ImportErrorPosition),
  });
}
