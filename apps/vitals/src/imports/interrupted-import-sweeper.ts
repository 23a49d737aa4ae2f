import type { Logger } from '@trialgraph/observability';
import type { VitalsDatabase } from '../db/client.js';
import { markDeadImportsInterrupted } from './store.js';

/** An import claims its row within milliseconds of being created; younger ones wait a round. */
const CLAIM_GRACE_MS = 2_000;
const SWEEP_EVERY_MS = 10_000;

/**
 * Marks imports INTERRUPTED whose process died, at start (so a restarted service reports
 * them at once) and then periodically, since on PostgreSQL another instance may be the one
 * that died. An import is dead when its transaction no longer holds its row: PostgreSQL ends
 * a dead client's transaction, so no clock or heartbeat has to be trusted. PGlite's data
 * belongs to this one process, so there a sweep at start is enough.
 */
export async function startInterruptedImportSweeper(options: {
  db: VitalsDatabase;
  kind: 'postgres' | 'pglite';
  logger: Logger;
}): Promise<{ stop(): void }> {
  const sweep = async (graceMs: number) => {
    const ids = await markDeadImportsInterrupted(options.db, graceMs);
    if (ids.length > 0) options.logger.warn({ importIds: ids }, 'marked imports of a stopped process INTERRUPTED');
  };
  await sweep(options.kind === 'pglite' ? 0 : CLAIM_GRACE_MS);
  if (options.kind === 'pglite') return { stop: () => {} };
  const timer = setInterval(() => {
    sweep(CLAIM_GRACE_MS).catch((error: unknown) => options.logger.warn({ err: error }, 'interrupted-import sweep failed'));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
