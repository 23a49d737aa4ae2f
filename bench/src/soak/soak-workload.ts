import { generateVitalsCsv } from '@trialgraph/csv/fixtures';
import { timedGraphqlRequest, type TimedGraphqlOutcome } from '@trialgraph/testing';
import { importVitalsFile, type ImportVitalsResult } from '@trialgraph/upload-client';
import type { BenchStudy } from '../stack.js';

export type OperationKind = 'read' | 'createSubject' | 'small import' | 'large import';

/** One operation as its client saw it; `code` is null when it succeeded. */
export interface OperationRecord {
  kind: OperationKind;
  startedAt: number;
  ms: number;
  code: string | null;
  /** What the client was told when it failed. */
  message?: string;
}

type Failure = { code: string; message: string } | null;

/** A client that waited this long counts the call as unanswered (NO_ANSWER). */
const CALL_TIMEOUT_MS = 30_000;
const SMALL_IMPORT_TIMEOUT_MS = 120_000;

const READS = [
  `query($studyId: ID!) { subjects(studyId: $studyId, first: 20) { totalCount edges { node { subjectNumber latestVitalSign { heartRate recordedAt } } } } }`,
  `query($subjectId: ID!) { subject(id: $subjectId) { subjectNumber vitals(first: 10) { totalCount edges { node { heartRate bloodPressure recordedAt } } } } }`,
  `query($studyId: ID!) { vitalsImports(studyId: $studyId, first: 10) { edges { node { status rowsRead rowsAccepted } } } }`,
];
const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;

/** The code a client would act on: the first error's `extensions.code`, or why no answer came. */
function failureOf(outcome: TimedGraphqlOutcome): Failure {
  if (outcome.failure) return { code: 'NO_ANSWER', message: outcome.failure };
  const [error] = outcome.response?.errors ?? [];
  if (error) return { code: error.extensions?.code ?? 'NO_CODE', message: error.message };
  return null;
}

/** An import's outcome as a code: null when it stored its whole file as reported. */
function importFailureOf(result: ImportVitalsResult | Error, rows: number): Failure {
  if (result instanceof Error) return { code: 'NO_ANSWER', message: result.message };
  const [error] = result.errors ?? [];
  if (error) return { code: error.extensions?.code ?? 'NO_CODE', message: error.message };
  const report = result.data?.importVitals;
  if (!report) return { code: 'NO_CODE', message: `HTTP ${result.status} without a report` };
  if (report.status !== 'SUCCEEDED') return { code: `IMPORT_${report.status}`, message: String(report.failureReason) };
  if (report.rowsRead !== rows || report.rowsAccepted + report.rowsRejected + report.rowsDuplicate !== rows) {
    return { code: 'IMPORT_MISCOUNTED', message: `${rows} rows sent, report ${JSON.stringify(report)}`.slice(0, 300) };
  }
  return null;
}

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | Error> =>
  Promise.race([
    work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    new Promise<Error>((resolve) => setTimeout(() => resolve(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/** The soak's operations, each sent through the gateway as a client would, each recorded. */
export function createSoakWorkload(options: { gatewayUrl: string; study: BenchStudy; token: string; smallImportRows: number; largeImportRows: number }) {
  const records: OperationRecord[] = [];
  const headers = { authorization: `Bearer ${options.token}` };
  const numbers = options.study.subjects.map((subject) => subject.subjectNumber);
  const record = (kind: OperationKind, startedAt: number, failure: Failure) =>
    records.push({ kind, startedAt, ms: Date.now() - startedAt, code: failure?.code ?? null, ...(failure ? { message: failure.message } : {}) });
  const importFile = async (kind: OperationKind, rows: number, file: ReturnType<typeof generateVitalsCsv>, timeoutMs: number) => {
    const startedAt = Date.now();
    const result = await withTimeout(
      importVitalsFile({
        url: options.gatewayUrl,
        studyId: options.study.studyId,
        file: file.stream(2_000),
        fileName: `soak-${kind.replace(' ', '-')}.csv`,
        token: options.token,
      }),
      timeoutMs,
    );
    record(kind, startedAt, importFailureOf(result, rows));
  };

  return {
    records,
    async read(index: number) {
      const subject = options.study.subjects[index % options.study.subjects.length]!;
      const outcome = await timedGraphqlRequest(options.gatewayUrl, {
        query: READS[index % READS.length]!,
        variables: { studyId: options.study.studyId, subjectId: subject.id },
        headers,
        timeoutMs: CALL_TIMEOUT_MS,
      });
      record('read', outcome.startedAt, failureOf(outcome));
    },
    async createSubject(index: number) {
      const outcome = await timedGraphqlRequest(options.gatewayUrl, {
        query: CREATE_SUBJECT,
        variables: {
          input: { studyId: options.study.studyId, siteId: options.study.siteId, age: 20 + (index % 60), sex: index % 2 === 0 ? 'FEMALE' : 'MALE' },
        },
        headers,
        timeoutMs: CALL_TIMEOUT_MS,
      });
      record('createSubject', outcome.startedAt, failureOf(outcome));
    },
    /** New readings every time (a day of its own per import), so each stores its rows. */
    async smallImport(index: number) {
      const start = new Date(Date.UTC(2024, 0, 1) + index * 86_400_000);
      const file = generateVitalsCsv({ rows: options.smallImportRows, subjects: numbers, badRowFraction: 0.01, seed: index + 1, start, intervalSeconds: 60 });
      await importFile('small import', options.smallImportRows, file, SMALL_IMPORT_TIMEOUT_MS);
    },
    /** Readings of 2022 and before, where no small import writes. */
    async largeImport(timeoutMs: number) {
      const file = generateVitalsCsv({
        rows: options.largeImportRows,
        subjects: numbers,
        badRowFraction: 0.01,
        seed: 99,
        start: new Date(Date.UTC(2020, 0, 1)),
        intervalSeconds: 10,
      });
      await importFile('large import', options.largeImportRows, file, timeoutMs);
    },
  };
}
