import type { Logger } from '@trialgraph/observability';
import { Redis } from 'ioredis';

/** The Redis nodes the numbering lock runs on: one, or several independent ones for Redlock. */
export interface RedisNodes {
  readonly clients: readonly Redis[];
  /** Nodes that can take a command right now. */
  reachable(): number;
  /** The smallest number of nodes Redlock needs to agree on a lock. */
  readonly quorum: number;
  /** Throws unless a quorum of nodes answers PING: the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long a Redis command may take before it fails: a hung Redis must not hold a createSubject up. */
export const COMMAND_TIMEOUT_MS = 1_000;

/** `redis://user:secret@host:6379/0` → `host:6379`, so logs never carry a password. */
function nodeName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

/**
 * Opens one client per URL, set up to fail fast: no offline queue and no command retries, so a
 * createSubject during an outage is refused at once instead of waiting for a reconnect. The
 * client keeps reconnecting in the background, so the lock works again as soon as Redis is back.
 */
export function connectRedisNodes(urls: readonly string[], logger: Logger): RedisNodes {
  let closing = false;
  const clients = urls.map((url) => {
    const node = nodeName(url);
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: COMMAND_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      // CLIENT LIST shows which instance holds which connection.
      connectionName: `trialgraph-subjects-${process.pid}`,
    });
    // Log the changes of state, not every failed reconnect.
    let up: boolean | undefined;
    const lost = (reason: string) => {
      if (up !== false && !closing) logger.warn({ node, reason }, 'redis unreachable: subjects cannot be created until it is back');
      up = false;
    };
    client.on('ready', () => {
      if (up === false) logger.info({ node }, 'redis reachable again');
      up = true;
    });
    client.on('error', (error: Error) => lost(error.message));
    client.on('close', () => {
      if (up === true) lost('connection closed');
    });
    return client;
  });
  const quorum = Math.floor(clients.length / 2) + 1;
  return {
    clients,
    quorum,
    reachable: () => clients.filter((client) => client.status === 'ready').length,
    async ping() {
      const answers = await Promise.allSettled(clients.map((client) => client.ping()));
      const answered = answers.filter((answer) => answer.status === 'fulfilled').length;
      if (answered < quorum) throw new Error(`redis unreachable: ${answered} of ${clients.length} nodes answer, ${quorum} needed`);
    },
    async close() {
      closing = true;
      await Promise.all(
        clients.map(async (client) => {
          if (client.status !== 'ready') {
            client.disconnect();
            return;
          }
          await client.quit().catch(() => client.disconnect());
        }),
      );
    },
  };
}
