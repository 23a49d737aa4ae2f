import {
  adminHeaders,
  createTestDatabase,
  enrolStudy,
  startAppStack,
  testToken,
  type AppStack,
  type EnrolledStudy,
  type TestDatabase,
} from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';

export { enrolStudy, type EnrolledStudy } from '@trialgraph/testing';

/** The three processes a client sees, started from their builds as an operator would. */
export type VitalsStack = AppStack;

/**
 * Starts subjects, vitals and the gateway. `vitalsEnv` decides where vitals keeps its rows
 * (VITALS_DATABASE_URL for PostgreSQL, DATA_DIR alone for PGlite).
 */
export function startVitalsStack(options: { subjectsDatabaseUrl: string; vitalsEnv: Record<string, string> }): Promise<VitalsStack> {
  return startAppStack({ env: { LOG_LEVEL: 'warn' }, subjects: { SUBJECTS_DATABASE_URL: options.subjectsDatabaseUrl }, vitals: options.vitalsEnv });
}

/** What a test file of the whole system works with, ready once its beforeAll has run. */
export interface EnrolledVitalsStack {
  stack: VitalsStack;
  /** The study enrolled through the gateway, its subjects at one site. */
  study: EnrolledStudy;
  /** The vitals database as its owner, to check what is stored (PostgreSQL only). */
  vitalsSql: postgres.Sql;
  vitalsDb: TestDatabase;
  /** An administrator's token, and the same as request headers. */
  token: string;
  headers: { authorization: string };
}

/**
 * Declares, in the describe it is called in, the set-up most vitals test files share: a database
 * each for subjects and vitals (named after `name`), the stack on them, a study enrolled
 * through the gateway, a client of the vitals database and an administrator's token; and the
 * teardown, which runs even after a set-up that failed half-way. Hooks a file declares after it
 * run after it at the start and before it at the end (stop what it started itself first).
 */
export function useEnrolledVitalsStack(options: {
  name: string;
  study: { code: string; subjects: number };
  /** Variables of vitals beyond its database: batch sizes, limits. */
  vitalsEnv?: Record<string, string>;
  /** Connections of `vitalsSql` (1 by default). */
  vitalsSqlConnections?: number;
}): EnrolledVitalsStack {
  const given = {} as EnrolledVitalsStack;
  let subjectsDb: TestDatabase | undefined;
  beforeAll(async () => {
    [subjectsDb, given.vitalsDb] = await Promise.all([createTestDatabase(`${options.name}_s`), createTestDatabase(`${options.name}_v`)]);
    given.stack = await startVitalsStack({
      subjectsDatabaseUrl: subjectsDb.url,
      vitalsEnv: { VITALS_DATABASE_URL: given.vitalsDb.url, ...options.vitalsEnv },
    });
    given.study = await enrolStudy(given.stack.gateway.url, options.study);
    given.vitalsSql = postgres(given.vitalsDb.url, { max: options.vitalsSqlConnections ?? 1, onnotice: () => {} });
    given.token = await testToken({ roles: ['ADMIN'] });
    given.headers = await adminHeaders();
  });
  afterAll(async () => {
    // Any of these is missing when the set-up failed before it.
    const started = given as Partial<EnrolledVitalsStack>;
    await started.vitalsSql?.end();
    await started.stack?.stop();
    await Promise.all([subjectsDb?.drop(), started.vitalsDb?.drop()]);
  });
  return given;
}

/** Row errors of an import report, counted by code. */
export function countByCode(errors: ReadonlyArray<{ code: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const error of errors) counts[error.code] = (counts[error.code] ?? 0) + 1;
  return counts;
}
