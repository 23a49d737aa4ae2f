import { createServer, connect, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';

const POSTGRES_PORT = Number(new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').port || 5432);

/**
 * A TCP hop in front of the machine's PostgreSQL that plays the server going away at the worst
 * moment of a new connection: it passes the startup through, and when the driver sends the
 * query that fetches array types (its own, right after the startup) it cuts both sides and stops
 * listening, as a server stopped mid-restart does, so the driver's reconnect is refused.
 */
async function serverGoingAwayOnTypesFetch(): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(POSTGRES_PORT, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes('typarray')) {
        server.close();
        for (const socket of sockets) socket.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the hop has no port');
  return { port: address.port, server };
}

/**
 * postgres.js 3.4.9 fetches the array types on each new connection with a query nobody awaits;
 * when the server went away during it, the reconnect's ECONNREFUSED rejected that query
 * unhandled, which ends a Node process. Seen in CI: vitals exited (1) while PostgreSQL restarted
 * under an import. patches/postgres+3.4.9.patch gives the error to the waiting statement only.
 */
describe('postgres.js when the server goes away while a new connection fetches its array types', () => {
  let hop: Server | undefined;
  afterEach(() => {
    hop?.close();
  });

  it('fails the statement waiting for the connection with the refusal, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const { port, server } = await serverGoingAwayOnTypesFetch();
    hop = server;
    const sql = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, connect_timeout: 2, backoff: () => 0.05, onnotice: () => {} });
    try {
      const failure = await sql`select 1`.then(
        () => undefined,
        (error: unknown) => error as { code?: string },
      );
      expect(failure?.code).toBe('ECONNREFUSED');
      // Unhandled rejections are reported after the microtasks of the turn that rejected them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      await sql.end({ timeout: 1 });
    }
  });
});
