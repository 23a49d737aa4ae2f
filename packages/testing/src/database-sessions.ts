import type postgres from 'postgres';

/** One server process of PostgreSQL serving a client, as `pg_stat_activity` shows it. */
export interface DatabaseSession {
  pid: number;
  database: string | null;
  /** active, idle, idle in transaction, idle in transaction (aborted)… */
  state: string | null;
  /** How long its transaction has been open, or null outside one. */
  transactionAgeMs: number | null;
  /** True once its transaction has written (or locked a row): what a leak would pin. */
  wroteInTransaction: boolean;
  query: string;
}

/**
 * The sessions a service holds open, by the `application_name` its pool sets (e.g.
 * `trialgraph-vitals`). `sql` must be a superuser's connection to see other users' sessions.
 */
export async function databaseSessions(sql: postgres.Sql, applicationName: string): Promise<DatabaseSession[]> {
  const rows = await sql<
    Array<{ pid: number; datname: string | null; state: string | null; age_ms: number | null; backend_xid: string | null; query: string }>
  >`
    select pid, datname, state,
           (extract(epoch from clock_timestamp() - xact_start) * 1000)::float8 as age_ms,
           backend_xid::text, query
    from pg_stat_activity
    where application_name = ${applicationName} and pid <> pg_backend_pid()`;
  return rows.map((row) => ({
    pid: row.pid,
    database: row.datname,
    state: row.state,
    transactionAgeMs: row.age_ms,
    wroteInTransaction: row.backend_xid !== null,
    query: row.query,
  }));
}

/** The sessions among these with a transaction open (idle in one included). */
export function inTransaction(sessions: readonly DatabaseSession[]): DatabaseSession[] {
  return sessions.filter((session) => session.transactionAgeMs !== null || session.state?.startsWith('idle in transaction'));
}
