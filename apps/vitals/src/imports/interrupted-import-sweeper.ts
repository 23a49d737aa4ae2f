import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from '../db/client.js';
import type { ImportClaims } from './import-claims.js';
import { markDeadImportsInterrupted } from './store.js';

const SWEEP_EVERY_MS = 10_000;

/**
 * Marks imports INTERRUPTED whose process died, at start (so a restarted service reports
 * them at once) and then periodically, since on PostgreSQL another instance may be the one
 * that died. An import is dead when nobody holds its claim (import-claims.ts): PostgreSQL ends
 * a dead client's session and its locks, so no clock or grace period has to be trusted. Each
 * round first takes again the claims of this process's own imports, in case their connection
 * was lost, and spares them whatever the database shows. PGlite's data belongs to this one
 * process, so there a sweep at start is enough.
 */
export async function startInterruptedImportSweeper(options: {
  db: VitalsDatabase;
  kind: 'postgres' | 'pglite';
  claims: ImportClaims;
  /** The imports this process is running. */
  runningIds: () => string[];
  logger: Logger;
}): Promise<{ stop(): void }> {
  const sweep = async () => {
    const running = options.runningIds();
    await options.claims.renew(running);
    const ids = await markDeadImportsInterrupted(options.db, running);
    if (ids.length > 0) options.logger.warn({ importIds: ids }, 'marked imports of a stopped process INTERRUPTED');
  };
  await sweep();
  if (options.kind === 'pglite') return { stop: () => {} };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => options.logger.warn({ err: error }, 'interrupted-import sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
