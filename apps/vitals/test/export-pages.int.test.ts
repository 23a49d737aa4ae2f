import { accessOf } from '@trialgraph/auth';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase, type VitalsDatabase } from '../src/db/client.js';
import { vitalsSchema } from '../src/db/schema.js';
import { readExportPage } from '../src/exports/export-store.js';

const STUDY = '0a000000-0000-4000-8000-000000000001';
const SITE = '0b000000-0000-4000-8000-00000000000a';
const SUBJECTS = Array.from({ length: 20 }, (_, index) => `0c000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`);
const READINGS_PER_SUBJECT = 5_000;

/**
 * An export reads its pages by the (subject_id, recorded_at) index, which stops after the page:
 * also on a table just filled by an import, before PostgreSQL has statistics for it, where the
 * planner chose a scan of every reading (and a sort) for each page, so an export cost n².
 * Checked on the table's own scan counters, which do not depend on the machine's speed.
 */
describe('export pages on a table without statistics', () => {
  let database: TestDatabase;
  let owner: postgres.Sql;
  let client: postgres.Sql;
  let db: VitalsDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('tg_export_pages');
    const migrated = await openVitalsDatabase({ url: database.url, dataDir: '' });
    await migrated.close();
    owner = postgres(database.url, { max: 1, onnotice: () => {} });
    // The readings' month, as an import makes it; then, as right after an import: no ANALYZE yet,
    // and none from autovacuum while the test runs (set on the month: the partitioned parent has no storage).
    await owner`select ensure_vital_sign_partitions(array[timestamptz '2025-01-01'])`;
    for (const month of await months()) await owner.unsafe(`alter table ${month} set (autovacuum_enabled = false, toast.autovacuum_enabled = false)`);
    await owner`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
      select s.id, ${STUDY}::uuid, ${SITE}::uuid, timestamptz '2025-01-01' + n * interval '1 minute', 60 + n % 40, 'seed'
      from generate_series(0, ${READINGS_PER_SUBJECT - 1}::int) as n, unnest(${SUBJECTS}::uuid[]) as s(id)
      order by n`;
    // One connection, so the counters its statements leave can be flushed from it.
    client = postgres(database.url, { max: 1, onnotice: () => {} });
    db = drizzle(client, { schema: vitalsSchema, casing: 'snake_case' });
  });

  afterAll(async () => {
    await client?.end();
    await owner?.end();
    await database?.drop();
  });

  /** The monthly partitions of vital_signs, which hold the rows, their scans and their statistics. */
  async function months(): Promise<string[]> {
    const rows = await owner<Array<{ name: string }>>`select inhrelid::regclass::text as name from pg_inherits where inhparent = 'vital_signs'::regclass`;
    return rows.map((row) => row.name);
  }

  async function scans(): Promise<{ seq: number; index: number }> {
    await client`select pg_stat_force_next_flush()`;
    const [row] = await client<Array<{ seq: number; index: number }>>`
      select coalesce(sum(seq_scan), 0)::int as seq, coalesce(sum(idx_scan), 0)::int as index from pg_stat_user_tables
      where relid in (select inhrelid from pg_inherits where inhparent = 'vital_signs'::regclass)`;
    return row!;
  }

  it('reads every page by the index, never by a scan of the whole table', async () => {
    const [statistics] = await owner<Array<{ analyzed: boolean }>>`select exists (select 1 from pg_stats where tablename like 'vital_signs%') as analyzed`;
    expect(statistics?.analyzed, 'the table must have no statistics for this test to mean anything').toBe(false);
    const selection = {
      studyId: STUDY,
      subjectId: undefined,
      from: undefined,
      to: undefined,
      scope: accessOf({ userId: 'admin', roles: ['ADMIN'], studies: [], sites: [] }).scope('exportVitals'),
    };
    const before = await scans();
    const first = await readExportPage(db, selection, undefined, 5_000);
    const last = first.at(-1)!;
    const second = await readExportPage(db, selection, { subjectId: last.subjectId, recordedAt: last.recordedAt }, 5_000);
    const after = await scans();
    expect(first).toHaveLength(5_000);
    expect(second).toHaveLength(5_000);
    expect(second[0]!.subjectId > last.subjectId || second[0]!.recordedAt > last.recordedAt).toBe(true);
    expect(after.seq - before.seq, 'sequential scans of the readings').toBe(0);
    expect(after.index - before.index).toBeGreaterThanOrEqual(2);
  });
});
