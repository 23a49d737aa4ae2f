import { startAppStack, type AppStack, type AppStackOptions } from './app-stack.js';
import { createPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** The whole system on servers of the test's own, which it may crash, stop and pause. */
export interface PrivateStack {
  cluster: PostgresCluster;
  /** Present when asked for: subjects then numbers under Redlock on it. */
  redis: RedisServer | undefined;
  stack: AppStack;
  databaseUrls: { subjects: string; vitals: string };
  /** Stops the processes, then the servers; safe to call after a failed start. */
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL (a database per subgraph), optionally a private Redis, and the
 * three apps on them: for fault tests, which must never stop the machine's shared servers.
 * `options` add to each app's environment (limits and timeouts under test).
 */
export async function startPrivateStack(options: Partial<AppStackOptions> & { redis?: boolean } = {}): Promise<PrivateStack> {
  const cluster = await createPostgresCluster();
  let redis: RedisServer | undefined;
  try {
    const [subjects, vitals] = await Promise.all([cluster.createDatabase('trialgraph_subjects'), cluster.createDatabase('trialgraph_vitals')]);
    if (options.redis) redis = await startRedisServer();
    const stack = await startAppStack({
      env: { LOG_LEVEL: 'warn', ...options.env },
      subjects: { SUBJECTS_DATABASE_URL: subjects, ...(redis ? { REDIS_URL: redis.url } : {}), ...options.subjects },
      vitals: { VITALS_DATABASE_URL: vitals, ...options.vitals },
      gateway: options.gateway ?? {},
    });
    return {
      cluster,
      redis,
      stack,
      databaseUrls: { subjects, vitals },
      async stop() {
        await stack.stop();
        await redis?.kill();
        await cluster.drop();
      },
    };
  } catch (error) {
    await redis?.kill();
    await cluster.drop().catch(() => {});
    throw error;
  }
}
