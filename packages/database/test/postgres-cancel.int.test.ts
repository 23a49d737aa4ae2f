import net from 'node:net';
import { TEST_POSTGRES_URL } from '@trialgraph/testing';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

/**
 * A request's statements are cancelled with postgres.js's `query.cancel()` when its deadline
 * passes or its client leaves, wherever the statement is: running, queued, or waiting for its
 * connection to open. postgres.js 3.4.9 got three of those wrong (see patches/): the process
 * died when the cancel could not reach the server, and a pooled connection was lost for good when
 * its statement was cancelled before it was sent. These run against the machine's PostgreSQL
 * through a TCP relay the test controls.
 */

interface Relay {
  port: number;
  /** Delays every new connection by this long before relaying it. */
  delayNewConnectionsMs: number;
  /** Stops accepting connections; those open stay up. */
  refuseNew(): void;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const target = new URL(TEST_POSTGRES_URL);
  const sockets = new Set<net.Socket>();
  const relay: Relay = { port: 0, delayNewConnectionsMs: 0, refuseNew: () => {}, close: async () => {} };
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      for (const socket of [client, upstream]) socket.on('error', () => {}).on('close', () => sockets.delete(socket));
    }, relay.delayNewConnectionsMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as net.AddressInfo).port;
  // close() stops listening at once; its callback would wait for the open connections.
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  relay.refuseNew = () => {
    if (server.listening) server.close();
  };
  relay.close = async () => {
    relay.refuseNew();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return relay;
}

describe('cancelling postgres.js statements (patched 3.4.9, machine PostgreSQL)', () => {
  const opened: Array<{ sql: postgres.Sql; relay: Relay }> = [];
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', recordUnhandled);

  const clientThroughRelay = async (options: postgres.Options<Record<string, never>> = {}) => {
    const relay = await startRelay();
    const url = new URL(TEST_POSTGRES_URL);
    url.host = `127.0.0.1:${relay.port}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, ...options });
    opened.push({ sql, relay });
    return { sql, relay };
  };
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))]);

  afterEach(async () => {
    for (const { sql, relay } of opened.splice(0)) {
      await sql.end({ timeout: 1 });
      await relay.close();
    }
  });

  afterAll(() => {
    process.off('unhandledRejection', recordUnhandled);
  });

  it('lets a statement finish, and the process live, when its cancel request cannot reach the server', async () => {
    const { sql, relay } = await clientThroughRelay();
    await sql`select 1`;
    const sleeping = sql`select pg_sleep(0.5) as slept`;
    const answered = sleeping.then(
      () => 'finished',
      (error: unknown) => `failed ${(error as { code?: string }).code}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    relay.refuseNew();
    sleeping.cancel();
    expect(await within(answered, 5_000)).toBe('finished');
    // An unhandled rejection ends a Node process; here it would be the refused cancel connection.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
  });

  it('gives the pool its connection back when a statement is cancelled while that connection opens', async () => {
    const { sql, relay } = await clientThroughRelay();
    relay.delayNewConnectionsMs = 300;
    const first = sql`select 1 as n`;
    const firstAnswer = first.then(
      () => 'answered',
      (error: unknown) => `failed ${(error as { code?: string }).code}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.cancel();
    expect(await firstAnswer).toBe('failed 57014');
    const [next] = await within(sql`select 2 as n`, 5_000).then((rows) => (rows === 'no answer' ? [rows] : rows));
    expect(next).toEqual({ n: 2 });
  });

  it('gives the pool its connection back when a statement is cancelled before a connection took it', async () => {
    const { sql } = await clientThroughRelay();
    await sql`select 1`;
    const early = sql`select 1 as n`;
    const earlyAnswer = early.then(
      () => 'answered',
      (error: unknown) => `failed ${(error as { code?: string }).code}`,
    );
    early.cancel();
    expect(await earlyAnswer).toBe('failed 57014');
    const [next] = await within(sql`select 2 as n`, 5_000).then((rows) => (rows === 'no answer' ? [rows] : rows));
    expect(next).toEqual({ n: 2 });
  });
});
