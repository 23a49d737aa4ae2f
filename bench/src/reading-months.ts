import type postgres from 'postgres';

/** The first instant of every UTC month from `first`'s to `last`'s, as ISO text. */
export function monthsBetween(first: number, last: number): string[] {
  const months: string[] = [];
  const start = new Date(first);
  for (let month = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); month <= last;) {
    months.push(new Date(month).toISOString());
    const date = new Date(month);
    month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return months;
}

/**
 * vital_signs is partitioned by month of recorded_at (migration 0008 of vitals): rows copied or
 * inserted straight into it, as the benchmark seeds them, need their months made first, as the
 * app makes them before its own writes.
 */
export async function ensureReadingMonths(sql: postgres.Sql, first: number, last: number): Promise<void> {
  await sql`select ensure_vital_sign_partitions(${monthsBetween(first, last)}::timestamptz[])`;
}
