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
import { instrumentPglite, instrumentPostgres } from './pool-metrics.js';

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
  /** A round trip that fails when the database cannot answer: the readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the service's database and applies its migrations. PostgreSQL and PGlite get the
 * same schema and the same migrations: the driver is the only difference between them.
 */
export async function openDatabase<Schema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<Schema>,
): Promise<OpenedDatabase<Schema>> {
  const logger: DrizzleLogger | undefined = options.onStatement
    ? { logQuery: (query) => options.onStatement?.(query) }
    : undefined;
  if (options.url) {
    const maxConnections = options.poolSize ?? 10;
    const client = postgres(options.url, {
      max: maxConnections,
      // Fail a request within seconds when the database is gone, instead of hanging.
      connect_timeout: 5,
      idle_timeout: 30,
      onnotice: () => {},
      // A startup parameter, so every pooled connection starts as the request role.
      connection: { application_name: `trialgraph-${options.name}`, ...(options.requestRole ? { role: options.requestRole } : {}) },
    });
    const measured = instrumentPostgres(client, { database: options.name, maxConnections });
    const db = drizzlePostgres(measured, { schema: options.schema, casing: 'snake_case', logger }) as unknown as Database<Schema>;
    // The pool connects lazily: its first connection, as the request role, opens after the migrations created that role.
    await migrateAsOwner(options.url, options.migrationsFolder);
    return {
      db,
      kind: 'postgres',
      postgresClient: client,
      pglite: undefined,
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const directory = resolve(options.dataDir, options.name);
  mkdirSync(directory, { recursive: true });
  const pglite = new PGlite(join(directory, 'pgdata'));
  const db = drizzlePglite(instrumentPglite(pglite, { database: options.name }), { schema: options.schema, casing: 'snake_case', logger }) as unknown as Database<Schema>;
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
