import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from '../db/client.js';
import { markStaleImportsInterrupted } from './store.js';

/** Running imports refresh their heartbeat every 5 s; three missed beats mean the process died. */
const STALE_AFTER_MS = 15_000;
const SWEEP_EVERY_MS = 10_000;

/**
 * Marks imports INTERRUPTED whose process died. PGlite's data belongs to one process, so at
 * its start every RUNNING import is dead; on PostgreSQL other instances may be importing,
 * so only stale heartbeats count, at start and then periodically.
 */
export async function startInterruptedImportSweeper(options: {
  db: VitalsDatabase;
  kind: 'postgres' | 'pglite';
  logger: Logger;
}): Promise<{ stop(): void }> {
  const sweep = async (staleAfterMs: number) => {
    const ids = await markStaleImportsInterrupted(options.db, staleAfterMs);
    if (ids.length > 0) options.logger.warn({ importIds: ids }, 'marked imports of a stopped process INTERRUPTED');
  };
  await sweep(options.kind === 'pglite' ? 0 : STALE_AFTER_MS);
  if (options.kind === 'pglite') return { stop: () => {} };
  const timer = setInterval(() => {
    sweep(STALE_AFTER_MS).catch((error: unknown) => options.logger.warn({ err: error }, 'interrupted-import sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
