import { sql } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';

/** The first instant of the UTC month `instantMs` falls in: the month whose partition holds it. */
export function monthOf(instantMs: number): number {
  const date = new Date(instantMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/**
 * The months of vital_signs (range-partitioned by month of recorded_at, migration 0008), made
 * before the first reading of a month is written. Any month of a valid reading gets its partition
 * (there is no default partition to fall back on), so no valid reading is refused for its date.
 */
export interface ReadingPartitions {
  /**
   * Makes sure the month of every instant has its partition, and that `writer` sees it. `writer`
   * is the handle the readings will be written with: the caller's transaction, or the database.
   */
  ensure(instantsMs: ArrayLike<number>, writer: VitalsDatabase): Promise<void>;
}

/** The distinct months of `instantsMs`, as the first instant of each. */
function monthsOf(instantsMs: ArrayLike<number>): Set<number> {
  const months = new Set<number>();
  // Readings come in time order, mostly: an instant in the month of the one before costs no Date.
  let monthStart = 0;
  let monthEnd = 0;
  // Indexed, not iterated: an iterator over a Float64Array boxes every instant it hands out.
  for (let at = 0; at < instantsMs.length; at++) {
    const instant = instantsMs[at] ?? Number.NaN;
    if (instant >= monthStart && instant < monthEnd) continue;
    monthStart = monthOf(instant);
    const date = new Date(monthStart);
    monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    months.add(monthStart);
  }
  return months;
}

const ensureMonths = (db: VitalsDatabase, months: Iterable<number>) =>
  db.execute(sql`select ensure_vital_sign_partitions(${`{${[...months].map((month) => new Date(month).toISOString()).join(',')}}`}::timestamptz[])`);

/**
 * On PostgreSQL a month is made on a pooled connection of its own, outside the writer's
 * transaction, and committed at once: made inside an import's transaction, the lock that attaching
 * a partition takes would be held until the import commits, minutes later, and every other import
 * needing a new month would queue behind it. Months made are remembered for the life of the
 * process; the app never drops one.
 *
 * A transaction that began before a month was attached must still see it: a statement it prepared
 * once and reuses (postgres.js's tagged templates) keeps the partitions it was planned with until
 * the session takes in the change, which happens when it takes a lock it does not hold yet. So the
 * writer's transaction calls the same function once per month it has not written before, which
 * finds the month made and takes a share lock on it (ensure_vital_sign_partitions, migration 0008).
 *
 * PGlite is one session: a statement outside the open transaction would wait for it forever, so
 * the month is made inside the writer's transaction, and nothing outlives it (a rollback takes the
 * month away); no other session exists to wait behind it.
 */
export function createReadingPartitions(options: { db: VitalsDatabase; kind: 'postgres' | 'pglite' }): ReadingPartitions {
  const made = new Set<number>();
  const seenBy = new WeakMap<VitalsDatabase, Set<number>>();
  return {
    async ensure(instantsMs, writer) {
      const months = monthsOf(instantsMs);
      if (options.kind === 'postgres') {
        const missing = [...months].filter((month) => !made.has(month));
        if (missing.length > 0) {
          await ensureMonths(options.db, missing);
          for (const month of missing) made.add(month);
        }
        // Outside a transaction every statement sees the months committed before it.
        if (writer === options.db) return;
      }
      const seen = seenBy.get(writer) ?? new Set<number>();
      const unseen = [...months].filter((month) => !seen.has(month));
      if (unseen.length === 0) return;
      await ensureMonths(writer, unseen);
      for (const month of unseen) seen.add(month);
      seenBy.set(writer, seen);
    },
  };
}
