import { startGraphqlServer, type RunningGraphqlServer } from '@trialgraph/http';
import type { Logger } from '@trialgraph/observability';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import type { ImportSettings, VitalsContext } from './context.js';
import type { VitalsDatabase } from './db/client.js';
import type { ImportRegistry } from './imports/import-registry.js';
import { createVitalsLoaders } from './loaders.js';
import { buildVitalsSchema } from './server.js';
import { createSubjectsClient } from './subjects-client.js';

export interface VitalsAppOptions {
  port: number;
  db: VitalsDatabase;
  ping: () => Promise<void>;
  logger: Logger;
  production: boolean;
  subjectsUrl: string;
  imports: ImportRegistry;
  importSettings: ImportSettings;
  shutdownTimeoutMs: number;
}

export async function startVitalsServer(options: VitalsAppOptions): Promise<RunningGraphqlServer> {
  const server = await startGraphqlServer<VitalsContext>({
    port: options.port,
    logger: options.logger,
    production: options.production,
    schema: buildVitalsSchema(),
    readiness: options.ping,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    beforeGraphql: (app) => {
      // Streams the file part to the resolver without a copy on disk; the import enforces the
      // size limit with a clear message, this one only stops what slips past it.
      app.use(
        ['/', '/graphql'],
        graphqlUploadExpress({ maxFiles: 1, maxFileSize: options.importSettings.maxUploadBytes + 1024 * 1024, maxFieldSize: 1024 * 1024 }),
      );
    },
    context: async ({ req, requestId }) => ({
      db: options.db,
      loaders: createVitalsLoaders(options.db),
      subjects: createSubjectsClient({ url: options.subjectsUrl, authorization: req.headers.authorization, requestId }),
      imports: options.imports,
      importSettings: options.importSettings,
      actor: 'anonymous',
      requestId,
      logger: options.logger.child({ requestId }),
    }),
  });
  // An import answers when the whole file is stored: minutes for a large one. Node's default
  // 5-minute request timeout would cut it; slow-header protection (headersTimeout) stays.
  server.httpServer.requestTimeout = 0;
  return server;
}
