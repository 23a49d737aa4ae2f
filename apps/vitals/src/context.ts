import type { CallerContext } from '@trialgraph/auth';
import type { VitalsDatabase } from './db/client.js';
import type { ExportLinks } from './exports/export-link.js';
import type { ExportSettings } from './exports/export-route.js';
import type { ImportClaims } from './imports/import-claims.js';
import type { ImportRegistry } from './imports/import-registry.js';
import type { VitalsLoaders } from './loaders.js';
import type { ReadingPartitions } from './vitals/reading-partitions.js';
import type { SubjectsClient } from './subjects-client.js';

/** The import limits of this process, from its configuration (see config.ts for each). */
export interface ImportSettings {
  maxUploadBytes: number;
  batchSize: number;
  batchesInFlight: number;
  maxBatchBytes: number;
  uploadIdleTimeoutMs: number;
  spoolDir: string;
  maxErrorBytes: number;
  maxErrorTextChars: number;
  subjectCacheEntries: number;
}

/** What every resolver of one request gets: the caller, and this subgraph's services; built per request so loaders never leak between users. */
export interface VitalsContext extends CallerContext {
  db: VitalsDatabase;
  /** Makes the month (partition of vital_signs) of a reading before it is written. */
  readingPartitions: ReadingPartitions;
  loaders: VitalsLoaders;
  subjects: SubjectsClient;
  imports: ImportRegistry;
  /** Marks the imports this process runs as alive, for every sweeper. */
  importClaims: ImportClaims;
  importSettings: ImportSettings;
  /** Aborted when the client closes its connection before it has its answer. */
  clientGone: AbortSignal;
  /** The caller's Authorization header, sealed into export download links. */
  authorization: string | undefined;
  exports: { links: ExportLinks | undefined; settings: ExportSettings };
}
