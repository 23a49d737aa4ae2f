import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './app-process.js';

const run = promisify(execFile);

export interface PostgresCluster {
  port: number;
  /** The cluster's `postgres` database, as the superuser (trust auth). */
  adminUrl: string;
  /** A URL of a database of this cluster, created on demand by `createDatabase`. */
  urlOf(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server the way a crash would (`-m immediate`): no checkpoint, connections cut. */
  crash(): Promise<void>;
  /** Stops the server cleanly (`-m fast`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * Stops the postmaster (SIGSTOP) without ending it: the kernel still accepts connections into
   * its backlog, so a client connects and then hears nothing, as from a server stuck starting up
   * or behind a network that drops packets. Sessions already open keep their backends.
   */
  freeze(): Promise<void>;
  /** Lets a frozen postmaster run again (SIGCONT); harmless when it is not frozen. */
  thaw(): Promise<void>;
  /** Stops and deletes the cluster and its data; safe to call twice. */
  drop(): Promise<void>;
}

/** The major version of the PostgreSQL installed here (Debian: /etc/postgresql/<version>). */
function installedVersion(): string {
  const [version] = readdirSync('/etc/postgresql');
  if (!version) throw new Error('no PostgreSQL installation under /etc/postgresql');
  return version;
}

/**
 * A PostgreSQL server of the test's own, on a free port, that the test may crash, stop and
 * restart to play an outage: the machine's server on 5432 stays untouched for other tests.
 * Debian's cluster wrappers run initdb as the postgres user, so this works as root too.
 */
export async function createPostgresCluster(): Promise<PostgresCluster> {
  const version = installedVersion();
  const name = `tg_fault_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  await run('pg_createcluster', [version, name, '--port', String(port), '--', '--auth-local=trust', '--auth-host=trust'], { timeout: 60_000 });
  const ctl = (...args: string[]) => run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, ...args], { timeout: 60_000 });
  const dataDirectory = `/var/lib/postgresql/${version}/${name}`;
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let dropped = false;
  const signalPostmaster = async (signal: NodeJS.Signals) => {
    const [pidLine] = (await readFile(join(dataDirectory, 'postmaster.pid'), 'utf8')).split('\n');
    process.kill(Number(pidLine), signal);
  };
  const cluster: PostgresCluster = {
    port,
    adminUrl: urlOf('postgres'),
    urlOf,
    async createDatabase(database) {
      const admin = postgres(urlOf('postgres'), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database "${database}"`);
      } finally {
        await admin.end();
      }
      return urlOf(database);
    },
    crash: async () => {
      await ctl('stop', '-m', 'immediate');
    },
    stop: async () => {
      await ctl('stop', '-m', 'fast');
    },
    start: async () => {
      await ctl('start');
    },
    freeze: () => signalPostmaster('SIGSTOP'),
    thaw: () => signalPostmaster('SIGCONT').catch(() => {}),
    async drop() {
      if (dropped) return;
      dropped = true;
      // A frozen postmaster would not hear the stop.
      await cluster.thaw();
      await run('pg_dropcluster', [version, name, '--stop'], { timeout: 60_000 });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.drop().catch(() => {});
    throw error;
  }
  return cluster;
}
