import { fileURLToPath } from 'node:url';
import { openDatabase, type Database, type DatabaseLimits, type OpenedDatabase } from '@trialgraph/database';
import { vitalsSchema, type VitalsSchema } from './schema.js';

export type VitalsDatabase = Database<VitalsSchema>;

export const vitalsMigrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** PostgreSQL when a URL is given, else PGlite under `dataDir/vitals`. */
export function openVitalsDatabase(options: {
  url: string | undefined;
  dataDir: string;
  limits?: Partial<DatabaseLimits>;
  onStatement?: (sql: string) => void;
}): Promise<OpenedDatabase<VitalsSchema>> {
  return openDatabase({
    url: options.url,
    dataDir: options.dataDir,
    name: 'vitals',
    schema: vitalsSchema,
    limits: options.limits,
    migrationsFolder: vitalsMigrationsFolder,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
}
