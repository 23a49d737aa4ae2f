import type { Identity, RequestAccess } from '@trialgraph/auth';
import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from './db/client.js';
import type { ImportRegistry } from './imports/import-registry.js';
import type { VitalsLoaders } from './loaders.js';
import type { SubjectsClient } from './subjects-client.js';

export interface ImportSettings {
  maxUploadBytes: number;
  batchSize: number;
  batchesInFlight: number;
}

/** What every resolver of one request gets; built per request so loaders never leak between users. */
export interface VitalsContext {
  db: VitalsDatabase;
  loaders: VitalsLoaders;
  subjects: SubjectsClient;
  imports: ImportRegistry;
  importSettings: ImportSettings;
  /** Who is calling, from their verified token. */
  identity: Identity;
  /** What this caller may do, right by right, and where (ACCESS_POLICY); queries filter by it. */
  access: RequestAccess;
  /** Who is acting, as written with each stored row: the token's subject. */
  actor: string;
  requestId: string;
  logger: Logger;
}
