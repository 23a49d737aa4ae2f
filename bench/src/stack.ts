import {
  adminHeaders,
  enrolStudy,
  graphqlRequest,
  graphqlUrl,
  startApp,
  startAppStack,
  startTogether,
  distinctFreePorts,
  type AppProcess,
  type AppStack,
} from '@trialgraph/testing';

export { graphqlUrl, startTogether, stopAll } from '@trialgraph/testing';

/**
 * The processes as an operator runs them (built output, NODE_ENV=production, real PostgreSQL),
 * started by the benchmark itself. Request logging is at `warn`: at info every request would
 * be logged into a pipe read by this process, which shares the machine's two cores.
 */
export const PROCESS_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };

export function startSubjects(databaseUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
  return startApp('subjects', { ...PROCESS_ENV, SUBJECTS_DATABASE_URL: databaseUrl, ...env });
}

export type Stack = AppStack;

/** The three processes on the benchmark's databases, started side by side; `env` adds to every process's, or to subjects'. */
export function startStack(
  databases: { subjects: string; vitals: string },
  env: { every?: Record<string, string>; subjects?: Record<string, string> } = {},
): Promise<Stack> {
  return startAppStack({
    env: { ...PROCESS_ENV, ...env.every },
    subjects: { SUBJECTS_DATABASE_URL: databases.subjects, ...env.subjects },
    vitals: { VITALS_DATABASE_URL: databases.vitals },
  });
}

/** A fresh vitals and gateway beside a running subjects, started side by side. */
export async function startVitalsAndGateway(subjects: AppProcess, vitalsDatabaseUrl: string): Promise<{ vitals: AppProcess; gateway: AppProcess }> {
  const [vitalsPort, gatewayPort] = (await distinctFreePorts(2)) as [number, number];
  const [vitals, gateway] = await startTogether([
    startApp('vitals', { ...PROCESS_ENV, PORT: String(vitalsPort), VITALS_DATABASE_URL: vitalsDatabaseUrl, SUBJECTS_URL: graphqlUrl(subjects) }),
    startApp('gateway', {
      ...PROCESS_ENV,
      PORT: String(gatewayPort),
      SUBJECTS_URL: graphqlUrl(subjects),
      VITALS_URL: `http://127.0.0.1:${vitalsPort}/graphql`,
    }),
  ]);
  return { vitals: vitals!, gateway: gateway! };
}

export interface BenchStudy {
  studyId: string;
  siteId: string;
  subjects: Array<{ id: string; subjectNumber: string }>;
}

/** A GraphQL call that must succeed: a benchmark that measured failures would measure nothing. */
export async function mustQuery<Data = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Data> {
  const response = await graphqlRequest<Data>(url, query, variables, await adminHeaders());
  if (response.errors?.length || !response.data) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(response.errors ?? response).slice(0, 300)}`);
  }
  return response.data;
}

/** A study with one site and `subjectCount` subjects, created through the API (gateway or subjects) as a site would. */
export async function createBenchStudy(url: string, code: string, subjectCount: number): Promise<BenchStudy> {
  const enrolled = await enrolStudy(url, { code, subjects: subjectCount, concurrency: 16 });
  return {
    studyId: enrolled.studyId,
    siteId: enrolled.siteId,
    subjects: enrolled.subjectIds.map((id, index) => ({ id, subjectNumber: enrolled.subjectNumbers[index]! })),
  };
}
