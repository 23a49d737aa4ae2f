import { isUuid } from '@trialgraph/graphql-kit';
import { and, eq, or, sql, type Column, type SQL } from 'drizzle-orm';

/**
 * Ids as one uuid[] parameter, however many there are: a statement's text is the same for two ids or
 * two hundred, so a named statement (apps/vitals/src/vitals/store.ts) is kept once per connection, not
 * once per list length. Values that are not UUIDs match no uuid column and are left out rather than
 * failing the statement on a cast; what is left needs no quoting in the array literal.
 */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`${`{${ids.filter(isUuid).join(',')}}`}::uuid[]`;
}

/**
 * A filter to the ids a caller's scope allows: null allows every row (no condition), and an
 * empty list allows none (`= any('{}')` is false; dropping the condition would let everything through).
 */
export function whereIdIn(column: Column, allowed: readonly string[] | null | undefined): SQL | undefined {
  if (allowed === null || allowed === undefined) return undefined;
  return sql`${column} = any(${uuidArray(allowed)})`;
}

/** The shape of @trialgraph/auth's AccessScope, so this package needs no dependency on it. */
export interface ScopeAreas {
  areas: ReadonlyArray<{ studyIds: readonly string[] | null; siteIds: readonly string[] | null; sentBy: string | null }>;
}

/** The columns of a table that say where a row lies; a table without sites or senders leaves them out. */
export interface ScopeColumns {
  studyId: Column;
  siteId?: Column;
  sentBy?: Column;
}

/**
 * The rows a caller's scope of one right reaches, as a WHERE condition: any of its areas
 * (undefined: no restriction). An area that restricts sites or senders a table has no column
 * for reaches none of its rows.
 */
export function scopeCondition(scope: ScopeAreas, columns: ScopeColumns): SQL | undefined {
  if (scope.areas.length === 0) return sql`false`;
  const conditions: Array<SQL | undefined> = [];
  for (const area of scope.areas) {
    if ((area.siteIds !== null && !columns.siteId) || (area.sentBy !== null && !columns.sentBy)) continue;
    const condition = and(
      whereIdIn(columns.studyId, area.studyIds),
      columns.siteId ? whereIdIn(columns.siteId, area.siteIds) : undefined,
      columns.sentBy && area.sentBy !== null ? eq(columns.sentBy, area.sentBy) : undefined,
    );
    if (condition === undefined) return undefined;
    conditions.push(condition);
  }
  return conditions.length === 0 ? sql`false` : or(...conditions);
}
