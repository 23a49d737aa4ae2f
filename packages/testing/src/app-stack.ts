import { freePort, startApp, type AppName, type AppProcess } from './app-process.js';

/** The three processes a client sees, started from their builds as an operator would. */
export interface AppStack {
  subjects: AppProcess;
  vitals: AppProcess;
  gateway: AppProcess;
  /**
   * Starts `app` again on its port with the environment it had (after it was killed, or stops
   * it first), as a supervisor would; the stack's field then holds the new process.
   */
  restart(app: AppName): Promise<AppProcess>;
  /** Stops the gateway, then the subgraphs; safe to call twice and after a failed restart. */
  stop(): Promise<void>;
}

export interface AppStackOptions {
  /** Given to every process, e.g. NODE_ENV and LOG_LEVEL. */
  env?: Record<string, string>;
  /** Where subjects keeps its rows (SUBJECTS_DATABASE_URL, or DATA_DIR for PGlite), REDIS_URL… */
  subjects: Record<string, string>;
  /** Where vitals keeps its rows (VITALS_DATABASE_URL, or DATA_DIR for PGlite)… */
  vitals: Record<string, string>;
  gateway?: Record<string, string>;
}

/**
 * Starts subjects, vitals and the gateway side by side, on ports chosen beforehand: none needs
 * another to be up to start, and start-up is most of a short test's time on a busy machine.
 */
export async function startAppStack(options: AppStackOptions): Promise<AppStack> {
  const [subjectsPort, vitalsPort, gatewayPort] = (await distinctFreePorts(3)) as [number, number, number];
  const subgraphUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
  const environments: Record<AppName, Record<string, string>> = {
    subjects: { ...options.env, ...options.subjects, PORT: String(subjectsPort) },
    vitals: { ...options.env, SUBJECTS_URL: subgraphUrl(subjectsPort), ...options.vitals, PORT: String(vitalsPort) },
    gateway: {
      ...options.env,
      SUBJECTS_URL: subgraphUrl(subjectsPort),
      VITALS_URL: subgraphUrl(vitalsPort),
      ...options.gateway,
      PORT: String(gatewayPort),
    },
  };
  const [subjects, vitals, gateway] = (await startTogether([
    startApp('subjects', environments.subjects),
    startApp('vitals', environments.vitals),
    startApp('gateway', environments.gateway),
  ])) as [AppProcess, AppProcess, AppProcess];
  const stack: AppStack = {
    subjects,
    vitals,
    gateway,
    async restart(app) {
      await stack[app].stop();
      stack[app] = await startApp(app, environments[app]);
      return stack[app];
    },
    stop: () => stopAll(stack.subjects, stack.vitals, stack.gateway),
  };
  return stack;
}

/** Ports free now and different from each other, for processes that must know each other's before they listen. */
export async function distinctFreePorts(count: number): Promise<number[]> {
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

/** Stops whatever started, last first, ignoring the ones that never came up. */
export async function stopAll(...apps: Array<AppProcess | undefined>): Promise<void> {
  for (const app of apps.reverse()) await app?.stop().catch(() => null);
}

/** Subgraphs answer GraphQL at /graphql; the gateway at its root. */
export function graphqlUrl(app: AppProcess): string {
  return `${app.url}graphql`;
}
