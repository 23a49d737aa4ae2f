import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@trialgraph/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSubjectsDatabase } from '../src/db/client.js';

/**
 * The connection the subjects service answers requests on, as it opens it: it reads, appends
 * and changes the fields an update may change, but cannot rewrite the record (issue 11: as the
 * owner it could DISABLE TRIGGER and then UPDATE or DELETE the audit trail).
 */
describe.each(['postgres', 'pglite'] as const)('the subjects request role on %s', (kind) => {
  let testDatabase: TestDatabase | undefined;
  let dataDir: string | undefined;
  let database: Awaited<ReturnType<typeof openSubjectsDatabase>>;

  beforeAll(async () => {
    if (kind === 'postgres') testDatabase = await createTestDatabase('tg_subjects_role');
    else dataDir = mkdtempSync(join(tmpdir(), 'tg-subjects-role-'));
    database = await openSubjectsDatabase({ url: testDatabase?.url, dataDir: dataDir ?? '' });
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
  const STUDY = '3e1c2a34-2f4f-4b6e-9a55-6a4f0d1c2e01';
  const SITE = '3e1c2a34-2f4f-4b6e-9a55-6a4f0d1c2e02';

  it('runs as a role of its own, not the owner', async () => {
    expect(JSON.stringify(await run(`select current_user as role`))).toContain('trialgraph_subjects_app');
  });

  it('appends what requests append and changes what an update changes', async () => {
    await run(`insert into studies (id, code, name) values ('${STUDY}', 'ROLE1', 'Role study')`);
    await run(`insert into sites (id, study_id, code, name) values ('${SITE}', '${STUDY}', 'S1', 'Site')`);
    await run(
      `insert into subjects (study_id, site_id, sequence, subject_number, name, age, sex) values ('${STUDY}', '${SITE}', 1, 'ROLE1-S1-0001', 'Jo', 40, 'OTHER')`,
    );
    await run(`select id from subjects for update`);
    await run(`update subjects set name = 'Jo Roe', age = 41, status = 'ENROLLED', version = 2, updated_at = now()`);
    await run(`insert into audit_events (actor, action, entity_type, entity_id) values ('tester', 'UPDATE', 'Subject', 'x')`);
  });

  it.each([
    ['disable the audit trail’s triggers', `alter table audit_events disable trigger audit_events_append_only`],
    ['drop a trigger', `drop trigger subjects_no_delete on subjects`],
    ['rewrite the audit trail', `update audit_events set actor = 'someone else'`],
    ['delete the audit trail', `delete from audit_events`],
    ['truncate the audit trail', `truncate audit_events`],
    ['delete a subject', `delete from subjects`],
    ['renumber a subject', `update subjects set subject_number = 'ROLE1-S1-0099'`],
    ['move a subject to another site or study', `update subjects set site_id = '${STUDY}', study_id = '${SITE}'`],
    ['rename a study', `update studies set name = 'x'`],
    ['delete a site', `delete from sites`],
    ['create a trigger', `create trigger sneaky before insert on subjects for each row execute function refuse_change('x')`],
    ['create a table', `create table shadow (id int)`],
  ])('may not %s', async (_label, statement) => {
    expect(await refusalOf(run(statement))).toMatch(/permission denied|must be owner/);
  });
});
