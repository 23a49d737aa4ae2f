import { authEnvironment } from '@trialgraph/auth';
import { httpUrl, loadEnvironmentOrExit, port, positiveMilliseconds, postgresUrl, subgraphEnvironment } from '@trialgraph/config';
import { tmpdir } from 'node:os';
import { z } from 'zod';

const wholeNumber = (range: { min: number; max: number; unit: string }) =>
  z.coerce
    .number({ error: `must be a number of ${range.unit}` })
    .int(`must be a whole number of ${range.unit}`)
    .min(range.min, `must be between ${range.min} and ${range.max} ${range.unit}`)
    .max(range.max, `must be between ${range.min} and ${range.max} ${range.unit}`);

/** The vitals subgraph's configuration: the only place this process reads the environment. */
export const vitalsEnvironment = {
  PORT: port(4002),
  VITALS_DATABASE_URL: postgresUrl.optional(),
  ...subgraphEnvironment,
  ...authEnvironment,
  /** Where the subjects subgraph answers; imports resolve subject numbers there, in batches. */
  SUBJECTS_URL: httpUrl.default('http://127.0.0.1:4001/graphql'),
  /** The largest CSV file an import accepts, in bytes (default 2 GiB). */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive('must be a positive number of bytes')
    .default(2 * 1024 ** 3),
  /** Parsed batches one import may hold ahead of the database while it writes the one before: the depth of its pipeline, not parallel writes. */
  IMPORT_PIPELINE_DEPTH: z.coerce.number().int().min(1).max(16, 'must be between 1 and 16').default(2),
  /**
   * Rows per statement. Each COPY statement costs a savepoint and a few round trips, so larger
   * batches keep PostgreSQL fed. With a batch's rows in typed columns from the parser's step on,
   * a 1 M-row import took 7.4–8.3 s at 25,000 against 7.7–9.5 s at 10,000 straight to vitals
   * (two comparisons of 3 interleaved rounds; 50,000 was no faster than 25,000, and vitals'
   * peak RSS reached 193–201 MB). An import's first batch is smaller (bounded-batches.ts), so
   * PostgreSQL starts sooner.
   */
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(100).max(50_000, 'must be between 100 and 50000').default(25_000),
  /**
   * Bytes of the file one batch may span: a batch ends at IMPORT_BATCH_SIZE rows or here,
   * whichever comes first, so a file of huge cells cannot fill the heap with its bad values.
   */
  MAX_IMPORT_BATCH_BYTES: wholeNumber({ min: 1024 ** 2, max: 256 * 1024 ** 2, unit: 'bytes' }).default(16 * 1024 ** 2),
  /**
   * Imports this process accepts at once, receiving or storing; one more is refused at once with
   * SERVICE_UNAVAILABLE. Each may spool up to MAX_UPLOAD_BYTES on disk under IMPORT_SPOOL_DIR.
   */
  MAX_CONCURRENT_IMPORTS: wholeNumber({ min: 1, max: 1000, unit: 'imports' }).default(8),
  /**
   * Imports storing rows at once, each in a transaction on one pooled connection; the others
   * wait with their file spooled. The pool has 10 connections: reads always keep the rest.
   */
  IMPORT_DATABASE_CONNECTIONS: wholeNumber({ min: 1, max: 8, unit: 'connections' }).default(3),
  // UPLOAD_IDLE_TIMEOUT_MS (an upload that sends no byte for this long ends FAILED, UPLOAD_STALLED)
  // comes with subgraphEnvironment: the HTTP server bounds the same pause, just after it.
  /** Where uploads are received before they are stored: a file per import, deleted when it ends. */
  IMPORT_SPOOL_DIR: z.string().min(1).default(tmpdir()),
  /** Bytes of row errors (values and messages) one import keeps for its report; the rest are counted only. */
  MAX_IMPORT_ERROR_BYTES: wholeNumber({ min: 1024, max: 256 * 1024 ** 2, unit: 'bytes' }).default(4 * 1024 ** 2),
  /** A kept error's value and message are cut to this many characters, saying how long they were. */
  MAX_IMPORT_ERROR_TEXT_CHARS: wholeNumber({ min: 40, max: 10_000, unit: 'characters' }).default(200),
  /** Subject numbers an import remembers (found or unknown) between batches. */
  IMPORT_SUBJECT_CACHE_ENTRIES: wholeNumber({ min: 1_000, max: 1_000_000, unit: 'entries' }).default(50_000),
  /** How long one call to the subjects subgraph may take. */
  SUBJECTS_CALL_TIMEOUT_MS: positiveMilliseconds(5_000),
  /** Calls to the subjects subgraph that failed for want of an answer are tried again this many times. */
  SUBJECTS_CALL_RETRIES: wholeNumber({ min: 0, max: 10, unit: 'retries' }).default(4),
  /** The wait before the first retry of a subjects call; it doubles for each next one. */
  SUBJECTS_RETRY_BACKOFF_MS: positiveMilliseconds(250),
  /** Readings one export may hold (a larger one is refused with 413 before it starts: narrow it with from/to). */
  MAX_EXPORT_READINGS: wholeNumber({ min: 1, max: 1_000_000_000, unit: 'readings' }).default(10_000_000),
  /** How long an export waits for its client to take the next page before it ends and closes the connection. */
  EXPORT_IDLE_TIMEOUT_MS: positiveMilliseconds(30_000),
  /** How long a download link from vitalsExport stays valid. */
  EXPORT_LINK_TTL_MS: positiveMilliseconds(5 * 60_000),
  /** The key download links are sealed with, shared by every vitals instance; unset: derived from JWT_SECRET (with JWKS_URL and no secret, links are off). */
  EXPORT_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How often the per-subject reading counts that totalCount sums are folded into one row each. */
  VITAL_COUNTS_COMPACTION_INTERVAL_MS: positiveMilliseconds(10_000),
};

/** Variables renamed, still read under their old name for one release (with a deprecation warning). */
export const RENAMED_VITALS_VARIABLES = {
  // Said "concurrency" but meant how many parsed batches wait for the database, not parallel writes.
  IMPORT_CONCURRENCY: 'IMPORT_PIPELINE_DEPTH',
} as const satisfies Record<string, keyof typeof vitalsEnvironment>;

export type VitalsConfig = ReturnType<typeof loadVitalsConfig>;

export function loadVitalsConfig(env: Record<string, string | undefined> = process.env) {
  return loadEnvironmentOrExit(vitalsEnvironment, env, { renamed: RENAMED_VITALS_VARIABLES });
}
