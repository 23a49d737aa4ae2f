import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { accessOf, type RequestAccess } from '@trialgraph/auth';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase, type VitalsDatabase } from '../src/db/client.js';
import { vitalsSchema } from '../src/db/schema.js';
import { encodeVitalsBatch, insertVitalsBatch, type StorableVital } from '../src/imports/write-batch.js';
import { createVitalsLoaders } from '../src/loaders.js';
import { monthOf } from '../src/vitals/reading-partitions.js';
import { findNewestVitalsPerSubject } from '../src/vitals/store.js';

/**
 * The plan of every per-subject read, on a table seeded straight in SQL with a long history per
 * subject: each read must be a scan of the (subject_id, recorded_at) index that stops after its page
 * (or, for a window, after the readings in the window), never a sort or a scan of the whole
 * history. Asserted on EXPLAIN ANALYZE's plan and row counts, which do not depend on the machine's
 * speed. The statements are the ones the request loaders really send, caught with their parameters.
 */

const SUBJECTS = 4;
const READINGS_PER_SUBJECT = 40_000;
/** Every 15 minutes, so that the history spans 14 months, a partition each. */
const EVERY_MINUTES = 15;
const FIRST_READING = Date.UTC(2025, 0, 1);
const LAST_READING = new Date(FIRST_READING + (READINGS_PER_SUBJECT - 1) * EVERY_MINUTES * 60_000);
const MONTHS = 14;
/** One day inside the history: 96 readings per subject. */
const WINDOW = { from: new Date(Date.UTC(2025, 2, 10)), to: new Date(Date.UTC(2025, 2, 10, 23, 59, 59, 999)) };
const READINGS_IN_WINDOW = (24 * 60) / EVERY_MINUTES;

const STUDY = '0a000000-0000-4000-8000-000000000001';
const SITE_A = '0b000000-0000-4000-8000-00000000000a';
const SITE_B = '0b000000-0000-4000-8000-00000000000b';
const subjectId = (index: number) => `0c000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
/** SUBJECTS subjects at site A, and one more at site B that a site-A coordinator may not see. */
const SITE_A_SUBJECTS = Array.from({ length: SUBJECTS }, (_, index) => subjectId(index + 1));
const SITE_B_SUBJECT = subjectId(99);
const EVERY_SUBJECT = [...SITE_A_SUBJECTS, SITE_B_SUBJECT];

const ADMIN = accessOf({ userId: 'admin', roles: ['ADMIN'], studies: [], sites: [] });
const SITE_A_COORDINATOR = accessOf({ userId: 'coordinator', roles: ['COORDINATOR'], studies: [STUDY], sites: [SITE_A] });
/** Large enough that the row budget never decides these plans. */
const MAX_ROWS = 1_000_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

const isReadingsTable = (node: PlanNode) => node['Relation Name'] !== undefined && /^vital_signs(_\d{4}_\d{2})?$/.test(node['Relation Name']);

/** Rows the statement read from the readings table (its partitions included), filtered out or not. */
function readingsRead(nodes: PlanNode[]): number {
  return nodes
    .filter(isReadingsTable)
    .reduce(
      (sum, node) => sum + (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops'],
      0,
    );
}

describe('per-subject reads on the table range-partitioned by month, 5 subjects × 40,000 readings over 14 months', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let client: postgres.Sql;
  let db: VitalsDatabase;
  const sent: Array<{ query: string; params: unknown[] }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('tg_plan');
    const migrated = await openVitalsDatabase({ url: database.url, dataDir: '' });
    await migrated.close();
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await sql`select ensure_vital_sign_partitions(array(select generate_series(${new Date(FIRST_READING)}::timestamptz, ${LAST_READING}::timestamptz, interval '1 month')))`;
    const [months] = await sql<[{ n: number }]>`select count(*)::int as n from pg_inherits where inhparent = 'vital_signs'::regclass`;
    expect(months?.n, 'a partition per month of the history').toBe(MONTHS);
    // Seeded in SQL, not through the API: one statement, in time order across subjects as devices send them.
    await sql`
      insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, systolic, diastolic, temperature, spo2, recorded_by)
      select s.id, ${STUDY}::uuid, s.site, ${new Date(FIRST_READING)}::timestamptz + (n * ${EVERY_MINUTES}) * interval '1 minute',
             60 + n % 40, 110 + n % 30, 70 + n % 15, 36.0 + (n % 20) / 10.0, 90 + n % 11, 'seed'
      from generate_series(0, ${READINGS_PER_SUBJECT - 1}::int) as n,
           unnest(${EVERY_SUBJECT}::uuid[], ${[...SITE_A_SUBJECTS.map(() => SITE_A), SITE_B]}::uuid[]) as s(id, site)
      order by n`;
    await sql`vacuum analyze vital_signs`;
    // The app's own database client logs statements without their parameters; EXPLAIN needs both.
    client = postgres(database.url, { max: 2, onnotice: () => {} });
    db = drizzle(client, {
      schema: vitalsSchema,
      casing: 'snake_case',
      logger: { logQuery: (query, params) => void sent.push({ query, params }) },
    });
  });

  afterAll(async () => {
    await client?.end();
    await sql?.end();
    await database?.drop();
  });

  /**
   * Runs `read` through fresh request loaders, as a request would, and plans each statement it sent
   * (with its parameters) under EXPLAIN ANALYZE.
   */
  async function plansOf<Answer>(read: (loaders: ReturnType<typeof createVitalsLoaders>) => Promise<Answer>, scope: RequestAccess) {
    sent.length = 0;
    const answer = await read(createVitalsLoaders(db, scope, MAX_ROWS));
    const plans: Array<{ query: string; nodes: PlanNode[]; generic: PlanNode[] }> = [];
    for (const { query, params } of sent) {
      const [row] = await sql.unsafe<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(`explain (analyze, format json) ${query}`, params as never[]);
      plans.push({ query, nodes: flatten(row!['QUERY PLAN'][0]!.Plan), generic: await genericPlanOf(query, params) });
    }
    return { answer, plans };
  }

  /**
   * The plan PostgreSQL caches for a statement sent by name once it stops planning it per call:
   * planned without its parameters' values (so no pruning of months or sizing of the LIMIT at plan
   * time), then run with them under EXPLAIN ANALYZE.
   */
  async function genericPlanOf(query: string, params: unknown[]): Promise<PlanNode[]> {
    const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`);
    return sql.begin(async (tx) => {
      await tx.unsafe('set local plan_cache_mode = force_generic_plan');
      await tx.unsafe(`prepare read_under_test as ${query}`);
      const [row] = await tx.unsafe<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(
        `explain (analyze, format json) execute read_under_test(${params.map(literal).join(', ')})`,
      );
      await tx.unsafe('deallocate read_under_test');
      return flatten(row!['QUERY PLAN'][0]!.Plan);
    });
  }

  /** The plan made for the parameters' values, and the generic one PostgreSQL caches for a named statement: each must hold. */
  const bothPlans = (plan: { nodes: PlanNode[]; generic: PlanNode[] }) => [plan.nodes, plan.generic];

  function expectNoSortOrSeqScan(nodes: PlanNode[]): void {
    expect(
      nodes.filter((node) => node['Node Type'].includes('Sort')).map((node) => node['Node Type']),
      'no sort in the plan',
    ).toEqual([]);
    expect(
      nodes.filter((node) => isReadingsTable(node) && node['Node Type'] === 'Seq Scan'),
      'no sequential scan of the readings',
    ).toEqual([]);
  }

  /** Page reads: each subject's rows come from a backward scan of the unique index under a Limit. */
  function expectLimitedBackwardIndexScans(nodes: PlanNode[]): void {
    const limit = nodes.find((node) => node['Node Type'] === 'Limit');
    expect(limit, 'a Limit in the plan').toBeDefined();
    const scans = flatten(limit!).filter(isReadingsTable);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan['Node Type']).toBe('Index Scan');
      expect(scan['Scan Direction']).toBe('Backward');
      expect(scan['Index Name']).toMatch(/subject_id_recorded_at|subject_recorded_at_unique/);
    }
  }

  it.each([
    ['an administrator', ADMIN],
    ['a coordinator of one site, asking about a subject of another site too', SITE_A_COORDINATOR],
  ])('reads the latest reading of each subject with one index row per subject, for %s', async (_who, scope) => {
    const { answer, plans } = await plansOf((loaders) => loaders.latestBySubject.loadMany(EVERY_SUBJECT), scope);
    expect(plans, 'one statement for every subject').toHaveLength(1);
    for (const nodes of bothPlans(plans[0]!)) {
      expectNoSortOrSeqScan(nodes);
      expectLimitedBackwardIndexScans(nodes);
      expect(readingsRead(nodes)).toBeLessThanOrEqual(EVERY_SUBJECT.length);
    }
    const visible = scope === ADMIN ? EVERY_SUBJECT : SITE_A_SUBJECTS;
    expect(answer.map((row) => (row instanceof Error ? row : row?.recordedAt.toISOString()))).toEqual(
      EVERY_SUBJECT.map((id) => (visible.includes(id) ? LAST_READING.toISOString() : undefined)),
    );
  });

  it.each([
    ['the newest page', { from: undefined, to: undefined, before: undefined }, LAST_READING],
    [
      'the page after a cursor',
      { from: undefined, to: undefined, before: new Date(Date.UTC(2025, 1, 1)) },
      new Date(Date.UTC(2025, 1, 1) - EVERY_MINUTES * 60_000),
    ],
    ['a page in a one-day window', { ...WINDOW, before: undefined }, new Date(Date.UTC(2025, 2, 11) - EVERY_MINUTES * 60_000)],
  ])('reads %s of 5 readings per subject with at most 6 index rows per subject', async (_name, window, newest) => {
    const { answer, plans } = await plansOf((loaders) => loaders.vitalsPage({ ...window, first: 5 }).loadMany(EVERY_SUBJECT), SITE_A_COORDINATOR);
    expect(plans, 'one statement for the rows and one for the counts, for every subject').toHaveLength(2);
    for (const nodes of bothPlans(plans[0]!)) {
      expectNoSortOrSeqScan(nodes);
      expectLimitedBackwardIndexScans(nodes);
      expect(readingsRead(nodes)).toBeLessThanOrEqual(EVERY_SUBJECT.length * 6);
    }
    for (const [index, id] of EVERY_SUBJECT.entries()) {
      const page = answer[index];
      if (page instanceof Error || page === undefined) throw page ?? new Error('no page');
      if (id === SITE_B_SUBJECT) {
        expect(page.edges, 'a subject of another site shows nothing').toEqual([]);
        continue;
      }
      const instants = page.edges.map((edge) => edge.node.recordedAt.getTime());
      expect(instants).toEqual(Array.from({ length: 5 }, (_, step) => newest.getTime() - step * EVERY_MINUTES * 60_000));
      expect(page.pageInfo.hasNextPage).toBe(true);
    }
  });

  it('counts all readings of each subject without reading any of them', async () => {
    const { answer, plans } = await plansOf(
      (loaders) => loaders.vitalsPage({ from: undefined, to: undefined, before: undefined, first: 0 }).loadMany(EVERY_SUBJECT),
      SITE_A_COORDINATOR,
    );
    // The loader sends the rows' statement, then the counts'.
    const count = plans[1];
    expect(count, 'a statement for the counts').toBeDefined();
    for (const nodes of bothPlans(count!)) expect(nodes.filter(isReadingsTable), 'the count reads no reading').toEqual([]);
    expect(answer.map((page) => (page instanceof Error ? page : page.totalCount))).toEqual(
      EVERY_SUBJECT.map((id) => (id === SITE_B_SUBJECT ? 0 : READINGS_PER_SUBJECT)),
    );
  });

  it('counts the readings of a window by reading only the readings in the window', async () => {
    const { answer, plans } = await plansOf((loaders) => loaders.vitalsPage({ ...WINDOW, before: undefined, first: 0 }).loadMany(EVERY_SUBJECT), ADMIN);
    // The loader sends the rows' statement, then the counts'.
    const count = plans[1];
    expect(count, 'a statement for the counts').toBeDefined();
    for (const nodes of bothPlans(count!)) {
      expectNoSortOrSeqScan(nodes);
      expect(readingsRead(nodes)).toBeLessThanOrEqual(EVERY_SUBJECT.length * READINGS_IN_WINDOW);
    }
    expect(answer.map((page) => (page instanceof Error ? page : page.totalCount))).toEqual(EVERY_SUBJECT.map(() => READINGS_IN_WINDOW));
  });

  it('summarises a window per subject by reading only the readings in the window', async () => {
    const { answer, plans } = await plansOf((loaders) => loaders.vitalsSummary(WINDOW).loadMany(EVERY_SUBJECT), SITE_A_COORDINATOR);
    expect(plans, 'one statement for every subject').toHaveLength(1);
    for (const nodes of bothPlans(plans[0]!)) {
      expectNoSortOrSeqScan(nodes);
      expect(readingsRead(nodes)).toBeLessThanOrEqual(EVERY_SUBJECT.length * READINGS_IN_WINDOW);
    }
    const [first] = answer;
    if (first instanceof Error || first === undefined) throw first ?? new Error('no summary');
    expect(first.count).toBe(READINGS_IN_WINDOW);
    expect(first.heartRate).toMatchObject({ count: READINGS_IN_WINDOW, min: 60, max: 99 });
    expect(answer.at(-1)).toMatchObject({ count: 0, heartRate: { count: 0, min: null, max: null, mean: null } });
  });

  /**
   * Sends `read` REQUESTS times on one connection, through fresh request loaders each time, and
   * returns per statement text the calls and how PostgreSQL planned them (pg_prepared_statements
   * lists the named statements of its own session only).
   */
  async function planCachingOf(read: (loaders: ReturnType<typeof createVitalsLoaders>) => Promise<unknown>, requests: number, scope = SITE_A_COORDINATOR) {
    const connection = postgres(database.url, { max: 1, onnotice: () => {} });
    const callsOfText = new Map<string, number>();
    const onOneConnection = drizzle(connection, {
      schema: vitalsSchema,
      casing: 'snake_case',
      logger: { logQuery: (query) => void callsOfText.set(query, (callsOfText.get(query) ?? 0) + 1) },
    });
    try {
      for (let request = 0; request < requests; request += 1) await read(createVitalsLoaders(onOneConnection, scope, MAX_ROWS));
      const prepared = await connection<Array<{ statement: string; generic_plans: number; custom_plans: number }>>`
        select statement, generic_plans::int, custom_plans::int from pg_prepared_statements where not from_sql`;
      const plansOfText = new Map(prepared.map((row) => [row.statement, { custom: row.custom_plans, generic: row.generic_plans }]));
      return [...callsOfText].map(([text, calls]) => ({ text, calls, plans: plansOfText.get(text) }));
    } finally {
      await connection.end();
    }
  }

  it('plans each read of a whole history a few times per connection, then reuses one plan', async () => {
    const statements = await planCachingOf(async (loaders) => {
      await loaders.latestBySubject.loadMany(EVERY_SUBJECT);
      await loaders.vitalsPage({ from: undefined, to: undefined, before: undefined, first: 5 }).loadMany(EVERY_SUBJECT);
    }, 12);
    // The latest reading (the newest row); a page and the counts.
    expect(statements).toHaveLength(3);
    for (const { text, calls, plans } of statements) {
      // Planned for its values five times, then the generic plan, which the tests above hold to the same rows read.
      expect(plans, `planned on every call: ${text.slice(0, 160)}…`).toEqual({ custom: 5, generic: calls - 5 });
    }
  });

  it('sends the reads of a window or after a cursor by name as well, for PostgreSQL to plan for the months they reach or reuse a plan', async () => {
    const statements = await planCachingOf(async (loaders) => {
      await loaders.vitalsPage({ from: undefined, to: undefined, before: new Date(Date.UTC(2025, 1, 1)), first: 5 }).loadMany(EVERY_SUBJECT);
      await loaders.vitalsPage({ ...WINDOW, before: undefined, first: 5 }).loadMany(EVERY_SUBJECT);
      await loaders.vitalsSummary(WINDOW).loadMany(EVERY_SUBJECT);
    }, 8);
    // The page after a cursor (its counts are the whole history's); the page in a window and its count; the summary.
    expect(statements).toHaveLength(5);
    for (const { text, calls, plans } of statements) {
      expect(plans, `sent unnamed: ${text.slice(0, 160)}…`).toBeDefined();
      expect(plans!.custom + plans!.generic).toBe(calls);
    }
  });

  it('keeps a few statements on a connection whatever page sizes clients ask for', async () => {
    let first = 0;
    // One request a page size, 1 to 40: 40 sizes, served by the written limits 2, 6, 11, 21 and 51.
    const statements = await planCachingOf(async (loaders) => {
      first += 1;
      await loaders.vitalsPage({ from: undefined, to: undefined, before: undefined, first }).loadMany(EVERY_SUBJECT);
    }, 40);
    const newestRows = statements.filter(({ text }) => text.includes('"newest"'));
    expect(newestRows.map(({ text }) => Number(/ limit (\d+)\)/.exec(text)?.[1]))).toEqual([2, 6, 11, 21, 51]);
  });

  it('sends the same statements for a coordinator of one site as for one of three', async () => {
    const threeSites = accessOf({ userId: 'coordinator', roles: ['COORDINATOR'], studies: [STUDY], sites: [SITE_A, SITE_B, subjectId(1000)] });
    const textsFor = async (scope: RequestAccess) =>
      (
        await planCachingOf(
          async (loaders) => {
            await loaders.latestBySubject.loadMany(EVERY_SUBJECT);
            await loaders.vitalsPage({ ...WINDOW, before: undefined, first: 5 }).loadMany(EVERY_SUBJECT);
          },
          1,
          scope,
        )
      ).map(({ text }) => text);
    expect(await textsFor(threeSites)).toEqual(await textsFor(SITE_A_COORDINATOR));
  });

  it('answers a row limit between the written ones with exactly that many newest rows per subject', async () => {
    // 4 rows a subject (a page of first: 3 and the row that tells a next page exists): the statement is written with the next limit, 6.
    const { answer, plans } = await plansOf(
      () => findNewestVitalsPerSubject(db, EVERY_SUBJECT, { from: undefined, to: undefined, before: undefined }, 4, ADMIN.scope('readVitals')),
      ADMIN,
    );
    expect(plans[0]!.query).toContain(' limit 6)');
    for (const nodes of bothPlans(plans[0]!)) expect(readingsRead(nodes)).toBeLessThanOrEqual(EVERY_SUBJECT.length * 6);
    const newestFour = Array.from({ length: 4 }, (_, step) => LAST_READING.getTime() - step * EVERY_MINUTES * 60_000);
    expect(EVERY_SUBJECT.map((id) => answer.get(id)?.map((row) => row.recordedAt.getTime()))).toEqual(EVERY_SUBJECT.map(() => newestFour));
  });

  it('tells the repeats of a re-sent batch from new readings by probing only the months the batch holds', async () => {
    // 2,000 readings one subject already has, about three weeks across two months, sent again as a re-sent file sends them.
    const stored = await sql<Array<{ recorded_at: Date; heart_rate: number; systolic: number; diastolic: number; temperature: number; spo2: number }>>`
      select recorded_at, heart_rate, systolic, diastolic, temperature, spo2 from vital_signs
      where subject_id = ${SITE_A_SUBJECTS[0]!} order by recorded_at offset 10000 limit 2000`;
    const rows: StorableVital[] = stored.map((row, index) => ({
      line: index + 2,
      subjectId: SITE_A_SUBJECTS[0]!,
      siteId: SITE_A,
      recordedAtMs: row.recorded_at.getTime(),
      heartRate: row.heart_rate,
      systolic: row.systolic,
      diastolic: row.diastolic,
      temperature: row.temperature,
      respiratoryRate: null,
      spo2: row.spo2,
    }));
    sent.length = 0;
    const outcome = await db.transaction((tx) => insertVitalsBatch(tx, encodeVitalsBatch(rows), { importId: null, studyId: STUDY, actor: 'test' }));
    expect({ ...outcome, duplicateLines: outcome.duplicateLines.toSorted((a, b) => a - b) }).toEqual({
      accepted: 0,
      duplicateLines: rows.map((row) => row.line),
      conflictLines: [],
    });

    const lookups = sent.filter(({ query }) => /^\s*select/i.test(query) && query.includes('vital_signs'));
    expect(lookups, 'one statement compares the repeats with what is stored').toHaveLength(1);
    const [{ query, params }] = lookups as [(typeof sent)[number]];
    const [row] = await sql.unsafe<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>>(`explain (analyze, format json) ${query}`, params as never[]);
    const nodes = flatten(row!['QUERY PLAN'][0]!.Plan);
    const batchMonths = new Set(rows.map((vital) => new Date(monthOf(vital.recordedAtMs)).toISOString().slice(0, 7).replace('-', '_')));
    expect(batchMonths.size, 'the batch spans two months').toBe(2);
    const probed = new Set(
      nodes.filter((node) => isReadingsTable(node) && node['Actual Loops'] > 0).map((node) => node['Relation Name']!.replace('vital_signs_', '')),
    );
    expect(probed, 'only the months of the batch are read').toEqual(batchMonths);
    expect(readingsRead(nodes), 'each repeat found with one index row').toBe(rows.length);
  });
});
