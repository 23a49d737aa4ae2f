import { startAppStack, type AppStack } from '@trialgraph/testing';

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

/** Row errors of an import report, counted by code. */
export function countByCode(errors: ReadonlyArray<{ code: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const error of errors) counts[error.code] = (counts[error.code] ?? 0) + 1;
  return counts;
}
