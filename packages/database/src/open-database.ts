import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger as DrizzleLogger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { DEFAULT_DATABASE_LIMITS, sessionParameters, type DatabaseLimits } from './database-limits.js';
import { instrumentPglite, instrumentPostgres } from './instrument-driver.js';

export type Database<Schema extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, Schema>;

export interface OpenDatabaseOptions<Schema extends Record<string, unknown>> {
  /** PostgreSQL URL; when absent the database is PGlite under `dataDir/name`. */
  url?: string | undefined;
  dataDir: string;
  /** The owning service, e.g. "subjects": names the PGlite folder and the connection. */
  name: string;
  schema: Schema;
  migrationsFolder: string;
  poolSize?: number;
  /**
   * Time limits of every session and every transaction (DB_* variables; see DatabaseLimits),
   * PostgreSQL only. Nothing raises them: an import's long transaction stays within them by
   * sending a statement at least every few seconds (the keep-alive `select 1` of vitals' import).
   */
  limits?: Partial<DatabaseLimits> | undefined;
  /** Called with every SQL statement drizzle sends; used to count statements per request. */
  onStatement?: (sql: string) => void;
  /**
   * The role requests run as (SET ROLE), created by the service's migrations with only the
   * grants its requests need. Migrations run as the connecting user, the owner; without this
   * option requests run as the owner too.
   */
  requestRole?: string;
}

export interface OpenedDatabase<Schema extends Record<string, unknown>> {
  db: Database<Schema>;
  kind: 'postgres' | 'pglite';
  /** The raw postgres.js client, for the paths drizzle has no API for (COPY). */
  postgresClient: postgres.Sql | undefined;
  pglite: PGlite | undefined;
  /** A round trip that fails when the database cannot answer within the connect timeout: the readiness check. */
  ping: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the service's database and applies its migrations. PostgreSQL and PGlite get the
 * same schema and the same migrations: the driver is the only difference between them.
 */
export async function openDatabase<Schema extends Record<string, unknown>>(options: OpenDatabaseOptions<Schema>): Promise<OpenedDatabase<Schema>> {
  const logger: DrizzleLogger | undefined = options.onStatement ? { logQuery: (query) => options.onStatement?.(query) } : undefined;
  const limits: DatabaseLimits = { ...DEFAULT_DATABASE_LIMITS, ...options.limits };
  if (options.url) {
    const maxConnections = options.poolSize ?? 10;
    const client = postgres(options.url, {
      max: maxConnections,
      connect_timeout: limits.connectTimeoutMs / 1000,
      // postgres.js waits before reopening a connection after a failure, by default up to 20 s
      // growing with every failure across the pool, and a statement queued for that connection
      // waits as long: during an outage requests hung for 6–19 s. Retrying within half a second
      // lets each fail (or succeed, once the server is back) within the connect timeout.
      backoff: reconnectDelaySeconds,
      idle_timeout: 30,
      onnotice: () => {},
      // Startup parameters, so every pooled connection starts with its time limits and as the request role.
      connection: {
        application_name: `trialgraph-${options.name}`,
        ...sessionParameters(limits),
        ...(options.requestRole ? { role: options.requestRole } : {}),
      },
    });
    const measured = instrumentPostgres(client, { database: options.name, maxConnections, limits });
    const db = drizzlePostgres(measured, { schema: options.schema, casing: 'snake_case', logger }) as unknown as Database<Schema>;
    // The pool connects lazily: its first connection, as the request role, opens after the migrations created that role.
    await migrateAsOwner(options.url, options.migrationsFolder);
    return {
      db,
      kind: 'postgres',
      postgresClient: client,
      pglite: undefined,
      ping: () => pingPostgres(client, limits.connectTimeoutMs),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const directory = resolve(options.dataDir, options.name);
  mkdirSync(directory, { recursive: true });
  const pglite = new PGlite(join(directory, 'pgdata'));
  const db = drizzlePglite(instrumentPglite(pglite, { database: options.name, limits }), {
    schema: options.schema,
    casing: 'snake_case',
    logger,
  }) as unknown as Database<Schema>;
  await migratePglite(db as never, { migrationsFolder: options.migrationsFolder });
  // PGlite is one session: it leaves the owner's role for good once the migrations are applied.
  if (options.requestRole) await pglite.exec(`SET ROLE "${options.requestRole.replaceAll('"', '""')}"`);
  return {
    db,
    kind: 'pglite',
    postgresClient: undefined,
    pglite,
    ping: async () => {
      await pglite.query('select 1');
    },
    close: () => pglite.close(),
  };
}

/** Seconds before reopening a failed connection: 50 ms, doubling per failure, at most 500 ms, with jitter. */
function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 0.5) * (0.75 + Math.random() / 4);
}

/**
 * `select 1`, given up after `timeoutMs`: the readiness check must answer even when the
 * statement cannot get a connection, and must not leave pings queued behind it.
 */
async function pingPostgres(client: postgres.Sql, timeoutMs: number): Promise<void> {
  const query = client`select 1`;
  const timer = setTimeout(() => query.cancel(), timeoutMs);
  try {
    await query;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new Error(`database: ${code === '57014' ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Applies the migrations on a connection of its own, as the user the URL names: the owner of the schema. */
async function migrateAsOwner(url: string, migrationsFolder: string): Promise<void> {
  // Two connections: one holds the migration lock while the other applies the migrations.
  const owner = postgres(url, { max: 2, connect_timeout: 5, onnotice: () => {} });
  try {
    await withMigrationLock(owner, () => migratePostgres(drizzlePostgres(owner, { casing: 'snake_case' }), { migrationsFolder }));
  } finally {
    await owner.end({ timeout: 5 });
  }
}

/**
 * Several instances of a service may start at once against one database; an advisory lock
 * makes them apply migrations one after the other instead of racing on the same DDL.
 */
async function withMigrationLock(client: postgres.Sql, run: () => Promise<void>): Promise<void> {
  const connection = await client.reserve();
  try {
    await connection`select pg_advisory_lock(hashtext('trialgraph:migrations'))`;
    await run();
  } finally {
    await connection`select pg_advisory_unlock(hashtext('trialgraph:migrations'))`.catch(() => {});
    connection.release();
  }
}
