import { adminHeaders, graphqlRequest, startApp, type AppProcess } from '@trialgraph/testing';

/** The three processes a client sees, started from their builds as an operator would. */
export interface VitalsStack {
  subjects: AppProcess;
  vitals: AppProcess;
  gateway: AppProcess;
  /** Stops the gateway, then the subgraphs; safe to call after a failed start. */
  stop(): Promise<void>;
}

/**
 * Starts subjects, vitals and the gateway. `vitalsEnv` decides where vitals keeps its rows
 * (VITALS_DATABASE_URL for PostgreSQL, DATA_DIR alone for PGlite).
 */
export async function startVitalsStack(options: { subjectsDatabaseUrl: string; vitalsEnv: Record<string, string> }): Promise<VitalsStack> {
  const started: AppProcess[] = [];
  const stop = async () => {
    for (const app of started.reverse()) await app.stop();
  };
  try {
    const subjects = await startApp('subjects', { SUBJECTS_DATABASE_URL: options.subjectsDatabaseUrl, LOG_LEVEL: 'warn' });
    started.push(subjects);
    const vitals = await startApp('vitals', { SUBJECTS_URL: `${subjects.url}graphql`, LOG_LEVEL: 'warn', ...options.vitalsEnv });
    started.push(vitals);
    const gateway = await startApp('gateway', { SUBJECTS_URL: `${subjects.url}graphql`, VITALS_URL: `${vitals.url}graphql`, LOG_LEVEL: 'warn' });
    started.push(gateway);
    return { subjects, vitals, gateway, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface EnrolledStudy {
  studyId: string;
  siteId: string;
  subjectIds: string[];
  /** The numbers the server assigned, in the order of `subjectIds`: what a hospital file names. */
  subjectNumbers: string[];
}

/** Creates a study with one site and `subjects` subjects through the gateway, as an administrator. */
export async function enrolStudy(gatewayUrl: string, options: { code: string; subjects: number }): Promise<EnrolledStudy> {
  const headers = await adminHeaders();
  const study = await graphqlRequest(
    gatewayUrl,
    `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`,
    { input: { code: options.code, name: `Study ${options.code}`, sites: [{ code: 'S01', name: 'North' }] } },
    headers,
  );
  if (study.errors) throw new Error(`createStudy failed: ${JSON.stringify(study.errors)}`);
  const studyId = study.data?.createStudy.id as string;
  const siteId = study.data?.createStudy.sites[0].id as string;
  const subjectIds: string[] = [];
  const subjectNumbers: string[] = [];
  for (let index = 0; index < options.subjects; index++) {
    const created = await graphqlRequest(
      gatewayUrl,
      `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`,
      { input: { studyId, siteId, age: 30 + (index % 50), sex: index % 2 === 0 ? 'FEMALE' : 'MALE' } },
      headers,
    );
    if (created.errors) throw new Error(`createSubject failed: ${JSON.stringify(created.errors)}`);
    subjectIds.push(created.data?.createSubject.id);
    subjectNumbers.push(created.data?.createSubject.subjectNumber);
  }
  return { studyId, siteId, subjectIds, subjectNumbers };
}

/** Row errors of an import report, counted by code. */
export function countByCode(errors: ReadonlyArray<{ code: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const error of errors) counts[error.code] = (counts[error.code] ?? 0) + 1;
  return counts;
}
