import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVitalsDatabase } from '../src/db/client.js';

/**
 * The connection the vitals service answers requests on, as it opens it: it reads and appends,
 * and updates an import's progress, but cannot rewrite the record (issue 11: as the owner it
 * could DISABLE TRIGGER and then UPDATE or DELETE the audit trail).
 */
describe.each(['postgres', 'pglite'] as const)('the vitals request role on %s', (kind) => {
  let testDatabase: TestDatabase | undefined;
  let dataDir: string | undefined;
  let database: Awaited<ReturnType<typeof openVitalsDatabase>>;

  beforeAll(async () => {
    if (kind === 'postgres') testDatabase = await createTestDatabase('tg_vitals_role');
    else dataDir = mkdtempSync(join(tmpdir(), 'tg-vitals-role-'));
    database = await openVitalsDatabase({ url: testDatabase?.url, dataDir: dataDir ?? '' });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (statement: string) => database.db.execute(sql.raw(statement));
  /** What the database said, from the driver's error under drizzle's; 'accepted' when it said nothing. */
  const refusalOf = async (statement: Promise<unknown>): Promise<string> => {
    try {
      await statement;
      return 'accepted';
    } catch (error) {
      return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    }
  };
  const IMPORT_ID = '7b0e2a34-2f4f-4b6e-9a55-6a4f0d1c2e01';
  const SUBJECT = '7b0e2a34-2f4f-4b6e-9a55-6a4f0d1c2e02';

  it('runs as a role of its own, not the owner', async () => {
    const rows = await run(`select current_user as role`);
    expect(JSON.stringify(rows)).toContain('trialgraph_vitals_app');
  });

  it('appends what requests append, and updates an import’s progress and outcome', async () => {
    await run(
      `insert into vitals_imports (id, study_id, file_name, on_error, dry_run, options, actor) values ('${IMPORT_ID}', '${SUBJECT}', 'a.csv', 'SKIP', false, '{}', 'tester')`,
    );
    await run(
      `update vitals_imports set status = 'SUCCEEDED', rows_read = 1, rows_accepted = 1, bytes_read = 10, heartbeat_at = now(), finished_at = now() where id = '${IMPORT_ID}'`,
    );
    // A reading's month is made first, as every writer of the app does (reading-partitions.ts).
    await run(`select ensure_vital_sign_partitions(array[now()])`);
    await run(
      `insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by) values ('${SUBJECT}', '${SUBJECT}', '${SUBJECT}', now(), 70, 'tester')`,
    );
    await run(`insert into vitals_import_errors (import_id, line, code, message) values ('${IMPORT_ID}', 2, 'X', 'y')`);
    await run(`insert into audit_events (actor, action, entity_type, entity_id) values ('tester', 'RECORD', 'VitalSign', '1')`);
    await run(`select id from vitals_imports where id = '${IMPORT_ID}' for key share`);
  });

  it.each([
    ['disable the audit trail’s triggers', `alter table audit_events disable trigger audit_events_append_only`],
    ['drop a trigger', `drop trigger audit_events_append_only on audit_events`],
    ['rewrite the audit trail', `update audit_events set actor = 'someone else'`],
    ['delete the audit trail', `delete from audit_events`],
    ['truncate the audit trail', `truncate audit_events`],
    ['change a stored reading', `update vital_signs set heart_rate = 99`],
    ['delete a stored reading', `delete from vital_signs`],
    ['truncate the readings', `truncate vital_signs`],
    ['change a row error', `update vitals_import_errors set message = 'x'`],
    ['delete an import report', `delete from vitals_imports`],
    ['change who sent an import', `update vitals_imports set actor = 'someone else'`],
    ['change which file an import read', `update vitals_imports set file_name = 'other.csv'`],
    ['create a trigger', `create trigger sneaky before insert on vital_signs for each row execute function refuse_change('x')`],
    ['make a month of readings by itself', `create table vital_signs_2099_01 partition of vital_signs for values from ('2099-01-01') to ('2099-02-01')`],
    ['take a month of readings away', `alter table vital_signs detach partition vital_signs_2099_01`],
    ['create a table', `create table shadow (id int)`],
  ])('may not %s', async (_label, statement) => {
    expect(await refusalOf(run(statement))).toMatch(/permission denied|must be owner/);
  });
});
