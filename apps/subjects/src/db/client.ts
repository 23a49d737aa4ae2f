import { fileURLToPath } from 'node:url';
import { openDatabase, type Database, type DatabaseLimits, type OpenedDatabase } from '@trialgraph/database';
import { subjectsSchema, type SubjectsSchema } from './schema.js';

export type SubjectsDatabase = Database<SubjectsSchema>;

/** The migrations drizzle-kit generated, shipped beside the built code. */
export const subjectsMigrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** The role requests run as, created with its grants by the migrations (drizzle/*_request_role*.sql). */
export const SUBJECTS_REQUEST_ROLE = 'trialgraph_subjects_app';

/** PostgreSQL when a URL is given, else PGlite under `dataDir/subjects`; migrations as the owner, requests as SUBJECTS_REQUEST_ROLE. */
export function openSubjectsDatabase(options: {
  url: string | undefined;
  dataDir: string;
  limits?: Partial<DatabaseLimits>;
  onStatement?: (sql: string) => void;
}): Promise<OpenedDatabase<SubjectsSchema>> {
  return openDatabase({
    url: options.url,
    dataDir: options.dataDir,
    name: 'subjects',
    schema: subjectsSchema,
    limits: options.limits,
    migrationsFolder: subjectsMigrationsFolder,
    requestRole: SUBJECTS_REQUEST_ROLE,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
}
