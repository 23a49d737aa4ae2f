import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, rowsOf } from '@trialgraph/database';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase, VITALS_REQUEST_ROLE, vitalsMigrationsFolder } from '../src/db/client.js';
import { vitalsSchema } from '../src/db/schema.js';
import { createReadingPartitions } from '../src/vitals/reading-partitions.js';

/**
 * vital_signs is range-partitioned by month of recorded_at (migration 0008): a database that held
 * readings before keeps every one of them, and months are made as readings arrive, also by two
 * writers at once and while another writer's transaction is open.
 */

const STUDY = '0a000000-0000-4000-8000-000000000001';
const SITE = '0b000000-0000-4000-8000-000000000001';
const SUBJECTS = ['0c000000-0000-4000-8000-000000000001', '0c000000-0000-4000-8000-000000000002', '0c000000-0000-4000-8000-000000000003'];
/** Readings every 6 hours from mid-November 2024 to late March 2025: five months. */
const READINGS_PER_SUBJECT = 520;
const MONTHS = ['2024_11', '2024_12', '2025_01', '2025_02', '2025_03'];

interface StoredReading {
  id: string;
  subject_id: string;
  recorded_at: Date;
  heart_rate: number;
  partition: string;
}

const monthsOf = (sql: postgres.Sql) =>
  sql<Array<{ name: string; bounds: string }>>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bounds
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'vital_signs'::regclass order by c.relname`;

describe('vital_signs range-partitioned by month (PostgreSQL)', () => {
  let database: TestDatabase;
  let owner: postgres.Sql;
  const directory = mkdtempSync(join(tmpdir(), 'tg-partition-migrations-'));

  beforeAll(async () => {
    database = await createTestDatabase('tg_part');
    owner = postgres(database.url, { max: 3, onnotice: () => {} });
  });

  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await owner?.end();
    await database?.drop();
  });

  it('converts a table holding readings of several months, keeping every reading, id, count, trigger and right', async () => {
    // The migrations as they were before partitioning: the same folder, its journal cut before it.
    cpSync(vitalsMigrationsFolder, directory, { recursive: true });
    const journalPath = join(directory, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const partitioning = journal.entries.findIndex((entry) => entry.tag.includes('partition_vital_signs'));
    expect(partitioning).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, partitioning) }));
    const before = await openDatabase({ url: database.url, dataDir: '', name: 'vitals', schema: vitalsSchema, migrationsFolder: directory });
    await before.db.execute(drizzleSql`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
      select s, ${STUDY}::uuid, ${SITE}::uuid, timestamptz '2024-11-15 00:00:00+00' + n * interval '6 hours', 60 + n % 40, 'before'
      from unnest(${`{${SUBJECTS.join(',')}}`}::uuid[]) as s, generate_series(0, ${READINGS_PER_SUBJECT - 1}::int) as n`);
    await before.close();
    const storedBefore = await owner<StoredReading[]>`select id, subject_id, recorded_at, heart_rate from vital_signs order by id`;
    expect(storedBefore).toHaveLength(SUBJECTS.length * READINGS_PER_SUBJECT);

    const after = await openVitalsDatabase({ url: database.url, dataDir: '' });
    try {
      const [kind] = await owner<[{ kind: string }]>`select relkind::text as kind from pg_class where oid = 'vital_signs'::regclass`;
      expect(kind?.kind, 'vital_signs is a partitioned table').toBe('p');
      expect(await monthsOf(owner)).toEqual(
        MONTHS.map((month) => {
          const [year, number] = month.split('_').map(Number) as [number, number];
          const next = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
          return {
            name: `vital_signs_${month}`,
            bounds: `FOR VALUES FROM ('${year}-${String(number).padStart(2, '0')}-01 00:00:00+00') TO ('${next}-01 00:00:00+00')`,
          };
        }),
      );
      const storedAfter = await owner<StoredReading[]>`
        select id, subject_id, recorded_at, heart_rate, tableoid::regclass::text as partition from vital_signs order by id`;
      expect(storedAfter.map(({ partition: _partition, ...reading }) => reading)).toEqual(storedBefore);
      for (const reading of storedAfter) {
        expect(reading.partition).toBe(`vital_signs_${reading.recorded_at.toISOString().slice(0, 7).replace('-', '_')}`);
      }
      const counts = await owner<Array<{ subject_id: string; readings: number }>>`
        select subject_id, sum(readings)::int as readings from vital_sign_counts group by subject_id order by subject_id`;
      expect(counts).toEqual(SUBJECTS.map((subject_id) => ({ subject_id, readings: READINGS_PER_SUBJECT })));

      // As the request role, through the app's own handle: a new month and an old one, both counted; ids go on from the old ones.
      const partitions = createReadingPartitions({ db: after.db, kind: 'postgres' });
      const newMonth = Date.UTC(2025, 5, 10);
      await partitions.ensure([newMonth, Date.UTC(2024, 10, 20, 1)], after.db);
      const [added] = rowsOf<{ id: string }>(
        await after.db.execute(drizzleSql`
        insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
        values (${SUBJECTS[0]!}, ${STUDY}, ${SITE}, ${new Date(newMonth).toISOString()}, 70, 'after'),
               (${SUBJECTS[0]!}, ${STUDY}, ${SITE}, '2024-11-20T01:00:00Z', 71, 'after')
        returning id`),
      );
      expect(Number(added!.id)).toBeGreaterThan(Math.max(...storedBefore.map((reading) => Number(reading.id))));
      const [total] = await owner<[{ readings: number }]>`select sum(readings)::int as readings from vital_sign_counts where subject_id = ${SUBJECTS[0]!}`;
      expect(total?.readings).toBe(READINGS_PER_SUBJECT + 2);
      await expect(after.db.execute(drizzleSql`update vital_signs set heart_rate = 99 where subject_id = ${SUBJECTS[0]!}`)).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/permission denied/) as unknown },
      });
      // Even the owner, even through a month's own table: readings are never changed.
      await expect(owner`update vital_signs_2024_11 set heart_rate = 99`).rejects.toThrow(/vital signs are never changed or deleted/);
      await expect(owner`delete from vital_signs where subject_id = ${SUBJECTS[1]!}`).rejects.toThrow(/vital signs are never changed or deleted/);
      const [role] = rowsOf<{ role: string }>(await after.db.execute(drizzleSql`select current_user as role`));
      expect(role?.role).toBe(VITALS_REQUEST_ROLE);
    } finally {
      await after.close();
    }
  });

  it('makes the same months from two sessions at once, each month once and neither failing', async () => {
    const opened = await openVitalsDatabase({ url: database.url, dataDir: '' });
    const other = await openVitalsDatabase({ url: database.url, dataDir: '' });
    try {
      for (let round = 0; round < 5; round++) {
        // Each round, both ask for the same three months none has made yet, a year apart from the other rounds'.
        const instants = [0, 1, 2].map((month) => Date.UTC(2030 + round, month, 15));
        await Promise.all([
          createReadingPartitions({ db: opened.db, kind: 'postgres' }).ensure(instants, opened.db),
          createReadingPartitions({ db: other.db, kind: 'postgres' }).ensure(instants, other.db),
        ]);
      }
      const made = (await monthsOf(owner)).map((month) => month.name).filter((name) => name >= 'vital_signs_2030');
      expect(made).toEqual([2030, 2031, 2032, 2033, 2034].flatMap((year) => ['01', '02', '03'].map((month) => `vital_signs_${year}_${month}`)));
    } finally {
      await Promise.all([opened.close(), other.close()]);
    }
  });

  it('lets an open transaction write into a month another session made after it began, without waiting for it', async () => {
    const opened = await openVitalsDatabase({ url: database.url, dataDir: '', limits: { lockTimeoutMs: 2_000 } });
    try {
      const partitions = createReadingPartitions({ db: opened.db, kind: 'postgres' });
      const insert = (at: string) =>
        drizzleSql`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
                   values (${SUBJECTS[2]!}, ${STUDY}, ${SITE}, ${at}, 65, 'import')`;
      await partitions.ensure([Date.UTC(2040, 0, 1)], opened.db);
      await opened.db.transaction(async (tx) => {
        // An import's transaction: it has written, so it holds vital_signs until it commits.
        await tx.execute(insert('2040-01-01T00:00:00Z'));
        // Its next batch brings a new month, made on another connection of the pool and committed at once.
        await partitions.ensure([Date.UTC(2040, 1, 1)], tx);
        await tx.execute(insert('2040-02-01T00:00:00Z'));
        // Meanwhile reads go on, and another writer makes a month of its own without waiting for this transaction.
        await owner`select count(*) from vital_signs`;
        await createReadingPartitions({ db: opened.db, kind: 'postgres' }).ensure([Date.UTC(2040, 2, 1)], opened.db);
      });
      const stored = await owner<Array<{ partition: string }>>`
        select tableoid::regclass::text as partition from vital_signs where recorded_by = 'import' order by recorded_at`;
      expect(stored.map((row) => row.partition)).toEqual(['vital_signs_2040_01', 'vital_signs_2040_02']);
    } finally {
      await opened.close();
    }
  });

  it('lets a statement the open transaction prepared and reuses write into a month attached after it began', async () => {
    const opened = await openVitalsDatabase({ url: database.url, dataDir: '', limits: { lockTimeoutMs: 2_000 } });
    // A writer on one connection (so `begin` may be sent as a statement), whose tagged templates postgres.js prepares once and reuses.
    const client = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const writer = drizzle(client, { schema: vitalsSchema, casing: 'snake_case' }) as unknown as typeof opened.db;
      const partitions = createReadingPartitions({ db: opened.db, kind: 'postgres' });
      const insert = (at: string) => client`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
                                              values (${SUBJECTS[1]!}, ${STUDY}, ${SITE}, ${at}, 66, 'prepared')`;
      await partitions.ensure([Date.UTC(2041, 0, 1)], opened.db);
      await client`begin`;
      for (let day = 1; day <= 6; day++) await insert(`2041-01-0${day}T00:00:00Z`);
      await partitions.ensure([Date.UTC(2041, 1, 1)], writer);
      await insert('2041-02-01T00:00:00Z');
      await client`commit`;
      const stored = await owner<Array<{ partition: string }>>`
        select tableoid::regclass::text as partition from vital_signs where recorded_by = 'prepared' order by recorded_at desc limit 1`;
      expect(stored.map((row) => row.partition)).toEqual(['vital_signs_2041_02']);
    } finally {
      await client.end();
      await opened.close();
    }
  });

  it('stores a reading of any month since 1900, however far back, in a month of its own', async () => {
    const opened = await openVitalsDatabase({ url: database.url, dataDir: '' });
    try {
      const partitions = createReadingPartitions({ db: opened.db, kind: 'postgres' });
      const farBack = Date.UTC(1900, 0, 1);
      await partitions.ensure([farBack], opened.db);
      await opened.db.execute(drizzleSql`insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by)
                   values (${SUBJECTS[2]!}, ${STUDY}, ${SITE}, ${new Date(farBack).toISOString()}, 65, 'archive')`);
      const [stored] = await owner<[{ partition: string }]>`select tableoid::regclass::text as partition from vital_signs where recorded_by = 'archive'`;
      expect(stored?.partition).toBe('vital_signs_1900_01');
    } finally {
      await opened.close();
    }
  });
});
