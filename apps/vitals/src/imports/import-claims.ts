import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';

/**
 * How a process tells every sweeper, on any instance, that an import of its is alive: a
 * session-level advisory lock keyed by the import's id, held on one connection of its own,
 * outside the request pool. It is taken before the import's row exists and released after its
 * end is recorded, so no sweep can find the import RUNNING and unclaimed while the process
 * lives, however busy the pool is. The claim used to be a lock taken by the import's own
 * transaction, which under load (pool at 10/10) got its connection only after the sweeper's
 * 2 s grace: 23 of 185 imports were given up as "the process stopped" while vitals ran on.
 * When the process dies, PostgreSQL ends its session and the locks go with it, so death is
 * still told by the database itself, at once, with no clock or lease to trust.
 */
export interface ImportClaims {
  /** Claims a new import id; false when the id's key is held already (then draw another id). */
  claim(importId: string): Promise<boolean>;
  release(importId: string): Promise<void>;
  /** Takes again the claims of imports still running after the claims connection was lost (a database restart). */
  renew(importIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether some session holds the claim of the import whose id is `id` (a column or a value).
 * An import's lock key is the first 64 bits of its uuid; PostgreSQL shows a bigint advisory
 * lock in pg_locks as classid (high 32 bits) and objid (low 32 bits) with objsubid 1.
 */
export const claimHeld = (id: SQL): SQL => sql`exists (
  select 1 from pg_locks l
  where l.locktype = 'advisory' and l.granted and l.objsubid = 1
    and l.database = (select oid from pg_database where datname = current_database())
    and l.classid::bigint = ('x' || substr(replace(${id}::text, '-', ''), 1, 8))::bit(32)::bigint
    and l.objid::bigint = ('x' || substr(replace(${id}::text, '-', ''), 9, 8))::bit(32)::bigint)`;

/** Claims on PostgreSQL: one connection, never idle-closed, named so it can be told apart in pg_stat_activity. */
export function openImportClaims(url: string): ImportClaims {
  const connection = postgres(url, {
    max: 1,
    idle_timeout: 0,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'trialgraph-vitals-claims' },
  });
  return {
    async claim(importId) {
      const [row] = await connection<
        { claimed: boolean }[]
      >`select pg_try_advisory_lock(('x' || substr(replace(${importId}, '-', ''), 1, 16))::bit(64)::bigint) as claimed`;
      return row?.claimed === true;
    },
    async release(importId) {
      await connection`select pg_advisory_unlock(('x' || substr(replace(${importId}, '-', ''), 1, 16))::bit(64)::bigint)`;
    },
    async renew(importIds) {
      if (importIds.length === 0) return;
      // Only the keys this session does not hold: a session lock taken twice must be released twice.
      await connection`
        select pg_try_advisory_lock(k.key)
        from (select ('x' || substr(replace(id, '-', ''), 1, 16))::bit(64)::bigint as key from unnest(${importIds}::text[]) as id) k
        where not exists (
          select 1 from pg_locks l
          where l.locktype = 'advisory' and l.pid = pg_backend_pid() and l.objsubid = 1
            and l.classid::bigint = (k.key >> 32) & 4294967295 and l.objid::bigint = k.key & 4294967295)`;
    },
    close: () => connection.end({ timeout: 5 }),
  };
}

/** PGlite's data belongs to this one process: nobody else sweeps it while it runs, so there is nothing to claim. */
export const processLocalClaims: ImportClaims = {
  claim: async () => true,
  release: async () => {},
  renew: async () => {},
  close: async () => {},
};
