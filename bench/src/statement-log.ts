import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import postgres from 'postgres';

/**
 * Counts the SQL statements PostgreSQL receives per database, from its own log:
 * `log_statement = 'all'` set on the benchmark's databases only (ALTER DATABASE, so other
 * databases on the shared server are untouched). pg_stat_statements would be simpler but
 * needs shared_preload_libraries, i.e. a server restart; the apps' statement hook is not
 * reachable from outside their processes. Works where the server log is a readable file.
 */
export class StatementLog {
  private constructor(
    readonly path: string,
    private readonly adminUrl: string,
  ) {}

  /** Finds the server's log file, or says why it cannot be read. */
  static async open(adminUrl: string): Promise<StatementLog | string> {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<Array<{ collector: string | null; major: string; superuser: string; prefix: string }>>`
        select pg_current_logfile() as collector, current_setting('server_version_num')::int / 10000 || '' as major,
               current_setting('is_superuser') as superuser, current_setting('log_line_prefix') as prefix`;
      if (row?.superuser !== 'on') return 'the benchmark role is not a superuser, so it cannot set log_statement';
      if (!row.prefix.includes('%d')) return `log_line_prefix "${row.prefix}" does not name the database (%d), so statements cannot be told apart`;
      const candidates = [
        row.collector ? `${(await sql`select current_setting('data_directory') as dir`)[0]?.dir}/${row.collector}` : undefined,
        process.env.BENCH_POSTGRES_LOG,
        `/var/log/postgresql/postgresql-${row.major}-main.log`,
      ].filter((path): path is string => Boolean(path));
      for (const path of candidates) {
        try {
          if (existsSync(path)) {
            closeSync(openSync(path, 'r'));
            return new StatementLog(path, adminUrl);
          }
        } catch {
          // not readable by this user: try the next
        }
      }
      return `no readable PostgreSQL log file (tried ${candidates.join(', ')}; set BENCH_POSTGRES_LOG)`;
    } finally {
      await sql.end();
    }
  }

  /** Logs every statement of these databases, for connections opened from now on. */
  async enable(databases: readonly string[], on: boolean): Promise<void> {
    const sql = postgres(this.adminUrl, { max: 1, onnotice: () => {} });
    try {
      for (const name of databases) {
        await sql.unsafe(on ? `alter database "${name}" set log_statement = 'all'` : `alter database "${name}" reset log_statement`);
      }
    } finally {
      await sql.end();
    }
  }

  /** The log's end, to count from. */
  mark(): number {
    return statSync(this.path).size;
  }

  /**
   * Statements logged since `mark` per database, leaving out those matching `ignore`
   * (periodic housekeeping that is not part of a request).
   */
  countSince(mark: number, databases: readonly string[], ignore?: RegExp): Record<string, number> {
    const size = statSync(this.path).size;
    const buffer = Buffer.alloc(Math.max(0, size - mark));
    const fd = openSync(this.path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, mark);
    } finally {
      closeSync(fd);
    }
    const counts = Object.fromEntries(databases.map((name) => [name, 0]));
    // One entry per statement: "<time> [pid] user@db LOG:  statement: ..." (simple protocol)
    // or "... LOG:  execute <name>: ..." (extended protocol, which postgres.js uses).
    const entry = /@(\S+) LOG: {2}(?:statement|execute [^:]*): (.*)$/gm;
    for (const match of buffer.toString('utf8').matchAll(entry)) {
      const database = match[1]!;
      if (database in counts && !(ignore?.test(match[2]!) ?? false)) counts[database]!++;
    }
    return counts;
  }
}
