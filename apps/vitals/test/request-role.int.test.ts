import { describeRequestRole } from '@trialgraph/testing/describe-request-role';
import { openVitalsDatabase } from '../src/db/client.js';

const IMPORT_ID = '7b0e2a34-2f4f-4b6e-9a55-6a4f0d1c2e01';
const SUBJECT = '7b0e2a34-2f4f-4b6e-9a55-6a4f0d1c2e02';

/**
 * The connection the vitals service answers requests on, as it opens it: it reads and appends,
 * and updates an import's progress, but cannot rewrite the record.
 */
describeRequestRole({
  service: 'vitals',
  open: openVitalsDatabase,
  allowed: {
    title: 'appends what requests append, and updates an import’s progress and outcome',
    statements: [
      `insert into vitals_imports (id, study_id, file_name, on_error, dry_run, options, actor) values ('${IMPORT_ID}', '${SUBJECT}', 'a.csv', 'SKIP', false, '{}', 'tester')`,
      `update vitals_imports set status = 'SUCCEEDED', rows_read = 1, rows_accepted = 1, bytes_read = 10, heartbeat_at = now(), finished_at = now() where id = '${IMPORT_ID}'`,
      // A reading's month is made first, as every writer of the app does (reading-partitions.ts).
      `select ensure_vital_sign_partitions(array[now()])`,
      `insert into vital_signs (subject_id, study_id, site_id, recorded_at, heart_rate, recorded_by) values ('${SUBJECT}', '${SUBJECT}', '${SUBJECT}', now(), 70, 'tester')`,
      `insert into vitals_import_errors (import_id, line, code, message) values ('${IMPORT_ID}', 2, 'X', 'y')`,
      `insert into audit_events (actor, action, entity_type, entity_id) values ('tester', 'RECORD', 'VitalSign', '1')`,
      `select id from vitals_imports where id = '${IMPORT_ID}' for key share`,
    ],
  },
  refused: [
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
  ],
});
