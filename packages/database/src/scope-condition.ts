import { inArray, sql, type Column, type SQL } from 'drizzle-orm';

/**
 * A filter to the ids a caller's scope allows: null allows every row (no condition), and an
 * empty list allows none (`inArray` with no values would be invalid SQL, and dropping the
 * condition would let everything through).
 */
export function whereIdIn(column: Column, allowed: readonly string[] | null | undefined): SQL | undefined {
  if (allowed === null || allowed === undefined) return undefined;
  return allowed.length === 0 ? sql`false` : inArray(column, [...allowed]);
}
