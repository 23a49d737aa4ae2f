import { describeRequestRole } from '@trialgraph/testing/describe-request-role';
import { openSubjectsDatabase } from '../src/db/client.js';

const STUDY = '3e1c2a34-2f4f-4b6e-9a55-6a4f0d1c2e01';
const SITE = '3e1c2a34-2f4f-4b6e-9a55-6a4f0d1c2e02';

/**
 * The connection the subjects service answers requests on, as it opens it: it reads, appends
 * and changes the fields an update may change, but cannot rewrite the record.
 */
describeRequestRole({
  service: 'subjects',
  open: openSubjectsDatabase,
  allowed: {
    title: 'appends what requests append and changes what an update changes',
    statements: [
      `insert into studies (id, code, name) values ('${STUDY}', 'ROLE1', 'Role study')`,
      `insert into sites (id, study_id, code, name) values ('${SITE}', '${STUDY}', 'S1', 'Site')`,
      `insert into subjects (study_id, site_id, sequence, subject_number, name, age, sex) values ('${STUDY}', '${SITE}', 1, 'ROLE1-S1-0001', 'Jo', 40, 'OTHER')`,
      `select id from subjects for update`,
      `update subjects set name = 'Jo Roe', age = 41, status = 'ENROLLED', version = 2, updated_at = now()`,
      `insert into audit_events (actor, action, entity_type, entity_id) values ('tester', 'UPDATE', 'Subject', 'x')`,
    ],
  },
  refused: [
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
  ],
});
