import { TEST_POSTGRES_URL, type TestDatabase } from '@trialgraph/testing';
import postgres from 'postgres';
import type { BenchOptions } from '../bench-options.js';
import { judge, type ResultRow } from '../results.js';
import { StatementLog } from '../statement-log.js';
import { createBenchStudy, graphqlUrl, mustQuery, startStack, stopAll, type BenchStudy, type Stack } from '../stack.js';
import { median } from '../stats.js';
import { ensureReadingMonths } from '../reading-months.js';

export const PAGE_QUERY = `query($studyId: ID!, $first: Int!) {
  subjects(studyId: $studyId, first: $first) { edges { node { id subjectNumber
    vitals(first: 5) { totalCount edges { node { heartRate bloodPressure recordedAt } } }
    latestVitalSign { heartRate recordedAt } } } }
}`;

/** Readings stored per subject: more than the page of 5 asks for, so paging is exercised. */
const READINGS_PER_SUBJECT = 8;
/** The vitals sweeper's periodic update of stale imports, and the folding of the kept counts, are housekeeping, not part of a request. */
const HOUSEKEEPING = /vitals_imports|fold vital_sign_counts/;
const TARGET_PER_SUBGRAPH = 3;

/**
 * A study of `subjects` subjects (created on the subjects subgraph) with a few readings each,
 * written straight to the vitals table: set-up, not measured.
 */
export async function seedReadStudy(stack: Stack, vitalsDatabase: TestDatabase, subjects: number): Promise<BenchStudy> {
  const study = await createBenchStudy(graphqlUrl(stack.subjects), 'READ', subjects);
  const sql = postgres(vitalsDatabase.url, { max: 1, onnotice: () => {} });
  try {
    const rows = study.subjects.flatMap((subject, index) =>
      Array.from({ length: READINGS_PER_SUBJECT }, (_, hour) => ({
        subject_id: subject.id,
        study_id: study.studyId,
        site_id: study.siteId,
        recorded_at: new Date(Date.UTC(2026, 0, 1, hour)),
        heart_rate: 60 + hour + (index % 7),
        systolic: 120,
        diastolic: 80,
        recorded_by: 'bench',
      })),
    );
    await ensureReadingMonths(sql, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, READINGS_PER_SUBJECT));
    for (let offset = 0; offset < rows.length; offset += 1_000) await sql`insert into vital_signs ${sql(rows.slice(offset, offset + 1_000))}`;
  } finally {
    await sql.end();
  }
  return study;
}

function checkPage(data: Record<string, any>, pageSize: number): void {
  const nodes = data.subjects.edges.map((edge: any) => edge.node);
  if (nodes.length !== pageSize) throw new Error(`asked for ${pageSize} subjects, got ${nodes.length}`);
  for (const node of nodes) {
    if (node.vitals.edges.length !== 5 || node.vitals.totalCount !== READINGS_PER_SUBJECT || !node.latestVitalSign) {
      throw new Error(`subject ${node.subjectNumber} came back without its vitals: ${JSON.stringify(node).slice(0, 200)}`);
    }
  }
}

/**
 * Statements each subgraph's database receives for one page query through the gateway, at
 * page sizes 10, 100 and 500. DataLoader batching should make this a constant; a count that
 * grows with the page is an N+1. Starts its own processes, because the statement log applies
 * to connections opened after it is switched on. Returns the seeded study for the read measure.
 */
export async function measureStatementsPerRequest(
  options: BenchOptions,
  databases: { subjects: TestDatabase; vitals: TestDatabase },
  log: (line: string) => void,
): Promise<{ rows: ResultRow[]; study: BenchStudy }> {
  const largest = Math.max(...options.pageSizes);
  const statementLog = await StatementLog.open(TEST_POSTGRES_URL);
  if (typeof statementLog === 'string') {
    // Still seed the study, so the read measure can run.
    const study = await withStack(databases, (stack) => seedReadStudy(stack, databases.vitals, largest));
    return { rows: [notMeasured(statementLog)], study };
  }
  const names = [databases.subjects.name, databases.vitals.name];
  await statementLog.enable(names, true);
  try {
    return await withStack(databases, async (stack) => {
      const gateway = stack.gateway;
      log(`measure 4: statements per request, from ${statementLog.path}; seeding ${largest} subjects`);
      const study = await seedReadStudy(stack, databases.vitals, largest);
      const perPage: Array<{ pageSize: number; subjects: number; vitals: number; runs: Array<Record<string, number>> }> = [];
      for (const pageSize of options.pageSizes) {
        checkPage(await mustQuery(gateway.url, PAGE_QUERY, { studyId: study.studyId, first: pageSize }), pageSize);
        const runs: Array<Record<string, number>> = [];
        for (let run = 0; run < (options.mode === 'quick' ? 1 : Math.max(3, options.runs)); run++) {
          const mark = statementLog.mark();
          checkPage(await mustQuery(gateway.url, PAGE_QUERY, { studyId: study.studyId, first: pageSize }), pageSize);
          // The backends write their log lines before they answer; a moment covers the log's buffering.
          await new Promise((resolve) => setTimeout(resolve, 250));
          runs.push(statementLog.countSince(mark, names, HOUSEKEEPING));
        }
        const count = (name: string) => median(runs.map((counts) => counts[name]!));
        perPage.push({ pageSize, subjects: count(databases.subjects.name), vitals: count(databases.vitals.name), runs });
        log(`  page of ${pageSize}: subjects ${count(databases.subjects.name)}, vitals ${count(databases.vitals.name)} statements`);
      }
      const rows = (['subjects', 'vitals'] as const).map((subgraph): ResultRow => {
        const counts = perPage.map((page) => page[subgraph]);
        const first = counts[0]!;
        const last = counts[counts.length - 1]!;
        const constant = counts.every((count) => count === first);
        return {
          measure: 4,
          name: `SQL statements per page query, ${subgraph} subgraph (vitals(first: 5) + latestVitalSign)`,
          figure: last,
          unit: 'statements',
          figureText: perPage.map((page) => `page ${page.pageSize}: ${page[subgraph]}`).join(', '),
          reference: `page of ${perPage[0]!.pageSize}: ${first}`,
          ratio: first === 0 ? null : last / first,
          target: `constant, ≤ ${TARGET_PER_SUBGRAPH}`,
          verdict: judge(constant && Math.max(...counts) <= TARGET_PER_SUBGRAPH),
          note: "counted in PostgreSQL's log (log_statement = all on the benchmark databases); median of runs",
          samples: { perPage },
        };
      });
      return { rows, study };
    });
  } finally {
    await statementLog.enable(names, false);
  }
}

/** Runs `work` against a stack started for it (on the given databases) and stopped after. */
export async function withStack<T>(databases: { subjects: TestDatabase; vitals: TestDatabase }, work: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack({ subjects: databases.subjects.url, vitals: databases.vitals.url });
  try {
    return await work(stack);
  } finally {
    await stopAll(stack.subjects, stack.vitals, stack.gateway);
  }
}

function notMeasured(reason: string): ResultRow {
  return {
    measure: 4,
    name: 'SQL statements per page query',
    figure: null,
    unit: 'statements',
    figureText: '—',
    reference: '—',
    ratio: null,
    target: `constant, ≤ ${TARGET_PER_SUBGRAPH} per subgraph`,
    verdict: 'NOT MEASURED',
    note: reason,
  };
}
