import type { Logger } from '@trialgraph/observability';
import { connectRedisNodes } from './redis-nodes.js';
import { createRedlockSubjectNumberLock } from './redlock-subject-number-lock.js';
import { createInProcessLock, type SubjectNumberLock } from './subject-number-lock.js';

/** Redlock when Redis is configured (several instances), else the in-process lock (one instance). */
export function openSubjectNumberLock(options: {
  redisUrls: readonly string[] | undefined;
  keyPrefix: string;
  ttlMs: number;
  waitMs: number;
  logger: Logger;
}): SubjectNumberLock {
  if (!options.redisUrls) {
    const lock = createInProcessLock();
    options.logger.warn({ lock: lock.kind }, 'no REDIS_URL: subject numbering is safe for a single instance only; set REDIS_URL before running several');
    return lock;
  }
  const lock = createRedlockSubjectNumberLock({
    nodes: connectRedisNodes(options.redisUrls, options.logger),
    keyPrefix: options.keyPrefix,
    ttlMs: options.ttlMs,
    waitMs: options.waitMs,
    logger: options.logger,
  });
  options.logger.info({ lock: lock.kind }, 'subject numbering lock: safe across instances');
  return lock;
}
