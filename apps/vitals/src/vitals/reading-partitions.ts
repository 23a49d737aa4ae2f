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
   * Makes sure the month of every instant has its partition. `writer` is the handle the readings
   * will be written with: the caller's transaction, or the database.
   */
  ensure(instantsMs: Iterable<number>, writer: VitalsDatabase): Promise<void>;
}

/**
 * On PostgreSQL a month is made on a pooled connection of its own, outside the writer's
 * transaction, and committed at once: made inside an import's transaction, the lock that attaching
 * a partition takes would be held until the import commits, minutes later, and every other import
 * needing a new month would queue behind it. The writer's transaction then sees the new month at
 * its next statement, because PostgreSQL resolves the table name again for each statement drizzle
 * sends (unnamed statements, not reused prepared ones) and COPY. Months made are remembered for
 * the life of the process; the app never drops one.
 *
 * PGlite is one session: a statement outside the open transaction would wait for it forever, so
 * the month is made inside the writer's transaction, nothing is remembered (a rollback takes the
 * month away), and no other session exists to wait behind it.
 */
export function createReadingPartitions(options: { db: VitalsDatabase; kind: 'postgres' | 'pglite' }): ReadingPartitions {
  const made = new Set<number>();
  return {
    async ensure(instantsMs, writer) {
      const months = new Set<number>();
      // Readings come in time order, mostly: an instant in the month of the one before costs no Date.
      let monthStart = 0;
      let monthEnd = 0;
      for (const instant of instantsMs) {
        if (instant >= monthStart && instant < monthEnd) continue;
        monthStart = monthOf(instant);
        const date = new Date(monthStart);
        monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
        if (!made.has(monthStart)) months.add(monthStart);
      }
      if (months.size === 0) return;
      const list = `{${[...months].map((month) => new Date(month).toISOString()).join(',')}}`;
      await (options.kind === 'postgres' ? options.db : writer).execute(sql`select ensure_vital_sign_partitions(${list}::timestamptz[])`);
      if (options.kind === 'postgres') for (const month of months) made.add(month);
    },
  };
}
