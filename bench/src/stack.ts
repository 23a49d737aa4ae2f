import { adminHeaders, freePort, graphqlRequest, startApp, type AppProcess } from '@trialgraph/testing';

/**
 * The processes as an operator runs them (built output, NODE_ENV=production, real PostgreSQL),
 * started by the benchmark itself. Request logging is at `warn`: at info every request would
 * be logged into a pipe read by this process, which shares the machine's two cores.
 */
const PROCESS_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };

export function startSubjects(databaseUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
  return startApp('subjects', { ...PROCESS_ENV, SUBJECTS_DATABASE_URL: databaseUrl, ...env });
}

export interface Stack {
  subjects: AppProcess;
  vitals: AppProcess;
  gateway: AppProcess;
}

/**
 * The three processes, started side by side on ports chosen beforehand: none needs another
 * to be up to start, and start-up is most of the quick mode's time on a busy machine.
 */
export async function startStack(databases: { subjects: string; vitals: string }): Promise<Stack> {
  const [subjectsPort, vitalsPort, gatewayPort] = (await distinctFreePorts(3)) as [number, number, number];
  const url = (port: number) => `http://127.0.0.1:${port}/graphql`;
  const [subjects, vitals, gateway] = await startTogether([
    startApp('subjects', { ...PROCESS_ENV, PORT: String(subjectsPort), SUBJECTS_DATABASE_URL: databases.subjects }),
    startApp('vitals', { ...PROCESS_ENV, PORT: String(vitalsPort), VITALS_DATABASE_URL: databases.vitals, SUBJECTS_URL: url(subjectsPort) }),
    startApp('gateway', { ...PROCESS_ENV, PORT: String(gatewayPort), SUBJECTS_URL: url(subjectsPort), VITALS_URL: url(vitalsPort) }),
  ]);
  return { subjects: subjects!, vitals: vitals!, gateway: gateway! };
}

/** A fresh vitals and gateway beside a running subjects, started side by side. */
export async function startVitalsAndGateway(subjects: AppProcess, vitalsDatabaseUrl: string): Promise<{ vitals: AppProcess; gateway: AppProcess }> {
  const [vitalsPort, gatewayPort] = (await distinctFreePorts(2)) as [number, number];
  const [vitals, gateway] = await startTogether([
    startApp('vitals', { ...PROCESS_ENV, PORT: String(vitalsPort), VITALS_DATABASE_URL: vitalsDatabaseUrl, SUBJECTS_URL: graphqlUrl(subjects) }),
    startApp('gateway', { ...PROCESS_ENV, PORT: String(gatewayPort), SUBJECTS_URL: graphqlUrl(subjects), VITALS_URL: `http://127.0.0.1:${vitalsPort}/graphql` }),
  ]);
  return { vitals: vitals!, gateway: gateway! };
}

/** Ports free now and different from each other, for processes that must know each other's before they listen. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Waits for every start; when one fails, stops the others and throws its error. */
export async function startTogether(starts: ReadonlyArray<Promise<AppProcess>>): Promise<AppProcess[]> {
  const started = await Promise.allSettled(starts);
  const apps = started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
  const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) {
    await stopAll(...apps);
    throw failed.reason;
  }
  return apps as AppProcess[];
}

/** Subgraphs answer GraphQL at /graphql; the gateway at its root. */
export function graphqlUrl(app: AppProcess): string {
  return `${app.url}graphql`;
}

/** Stops whatever started, in reverse, ignoring the ones that never came up. */
export async function stopAll(...apps: Array<AppProcess | undefined>): Promise<void> {
  for (const app of apps.reverse()) await app?.stop().catch(() => null);
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

const CREATE_SUBJECT = `mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id subjectNumber } }`;

/** A study with one site and `subjectCount` subjects, created through the API (gateway or subjects) as a site would. */
export async function createBenchStudy(url: string, code: string, subjectCount: number): Promise<BenchStudy> {
  const created = await mustQuery(url, `mutation($input: CreateStudyInput!) { createStudy(input: $input) { id sites { id } } }`, {
    input: { code, name: `Benchmark ${code}`, sites: [{ code: 'S01', name: 'Bench site' }] },
  });
  const studyId: string = created.createStudy.id;
  const siteId: string = created.createStudy.sites[0].id;
  const subjects: BenchStudy['subjects'] = [];
  for (let offset = 0; offset < subjectCount; offset += 16) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(16, subjectCount - offset) }, () =>
        mustQuery(url, CREATE_SUBJECT, { input: { studyId, siteId, age: 50, sex: 'FEMALE' } }),
      ),
    );
    subjects.push(...wave.map((data) => data.createSubject as { id: string; subjectNumber: string }));
  }
  subjects.sort((a, b) => a.subjectNumber.localeCompare(b.subjectNumber));
  return { studyId, siteId, subjects };
}
