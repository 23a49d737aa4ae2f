import { auditEvents } from '@trialgraph/database';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

export const sex = pgEnum('sex', ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN']);
export const subjectStatus = pgEnum('subject_status', ['SCREENING', 'ENROLLED', 'SCREEN_FAILED', 'WITHDRAWN', 'COMPLETED']);

export const studies = pgTable('studies', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  name: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const sites = pgTable(
  'sites',
  {
    id: uuid().primaryKey().defaultRandom(),
    studyId: uuid()
      .notNull()
      .references(() => studies.id),
    code: text().notNull(),
    name: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('sites_study_code_unique').on(table.studyId, table.code)],
);

export const subjects = pgTable(
  'subjects',
  {
    id: uuid().primaryKey().defaultRandom(),
    studyId: uuid()
      .notNull()
      .references(() => studies.id),
    siteId: uuid()
      .notNull()
      .references(() => sites.id),
    /** Position in the study's enrolment order; the number's last part. */
    sequence: integer().notNull(),
    subjectNumber: text().notNull(),
    name: text(),
    age: integer().notNull(),
    sex: sex().notNull(),
    status: subjectStatus().notNull().default('SCREENING'),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // The last line of defence behind the allocation lock: a number can never be issued twice.
    unique('subjects_study_sequence_unique').on(table.studyId, table.sequence),
    unique('subjects_study_number_unique').on(table.studyId, table.subjectNumber),
    index('subjects_study_site_sequence_idx').on(table.studyId, table.siteId, table.sequence),
    check('subjects_age_range', sql`${table.age} between 1 and 130`),
    check('subjects_sequence_positive', sql`${table.sequence} > 0`),
  ],
);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */

export type StudyRow = typeof studies.$inferSelect;
export type SiteRow = typeof sites.$inferSelect;
export type SubjectRow = typeof subjects.$inferSelect;

export const subjectsSchema = { studies, sites, subjects, auditEvents };
export type SubjectsSchema = typeof subjectsSchema;

export { auditEvents, type AuditEventRow, type NewAuditEvent } from '@trialgraph/database';
