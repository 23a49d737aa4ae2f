import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A service's database as its opener returns it: drizzle runs a plain SQL string through `execute`. */
export interface RequestRoleDatabase {
  db: { execute(statement: string): PromiseLike<unknown> };
  close(): Promise<void>;
}

export interface RequestRoleSuite {
  /** The service: names its test databases and its request role, `trialgraph_<service>_app`. */
  service: string;
  /** Opens the service's database as the service does (PostgreSQL with a URL, else PGlite under dataDir). */
  open: (location: { url: string | undefined; dataDir: string }) => Promise<RequestRoleDatabase>;
  /** What requests do, run in order in one test: each statement must be accepted. */
  allowed: { title: string; statements: string[] };
  /** [what the statement tries, the statement]: each must be refused for want of privilege. */
  refused: Array<[label: string, statement: string]>;
}

/**
 * The tests of a service's request role, on PostgreSQL and on PGlite: it is a role of its own,
 * it may do what requests do, and it may not do anything in `refused` (issue 11: as the owner
 * the service could DISABLE TRIGGER and then UPDATE or DELETE its audit trail).
 */
export function describeRequestRole(suite: RequestRoleSuite): void {
  describe.each(['postgres', 'pglite'] as const)(`the ${suite.service} request role on %s`, (kind) => {
    let testDatabase: TestDatabase | undefined;
    let dataDir: string | undefined;
    let database: RequestRoleDatabase | undefined;

    beforeAll(async () => {
      if (kind === 'postgres') testDatabase = await createTestDatabase(`tg_${suite.service}_role`);
      else dataDir = mkdtempSync(join(tmpdir(), `tg-${suite.service}-role-`));
      database = await suite.open({ url: testDatabase?.url, dataDir: dataDir ?? '' });
    });

    afterAll(async () => {
      await database?.close();
      await testDatabase?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const run = async (statement: string): Promise<unknown> => {
      if (!database) throw new Error(`the ${suite.service} database did not open`);
      return database.db.execute(statement);
    };
    /** What the database said, from the driver's error under drizzle's; 'accepted' when it said nothing. */
    const refusalOf = async (statement: Promise<unknown>): Promise<string> => {
      try {
        await statement;
        return 'accepted';
      } catch (error) {
        return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      }
    };

    it('runs as a role of its own, not the owner', async () => {
      expect(JSON.stringify(await run(`select current_user as role`))).toContain(`trialgraph_${suite.service}_app`);
    });

    it(suite.allowed.title, async () => {
      for (const statement of suite.allowed.statements) await run(statement);
    });

    it.each(suite.refused)('may not %s', async (_label, statement) => {
      expect(await refusalOf(run(statement))).toMatch(/permission denied|must be owner/);
    });
  });
}
