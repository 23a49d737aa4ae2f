import { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { Logger } from '@trialgraph/observability';
import Redlock, { ExecutionError, ResourceLockedError, type Lock } from 'redlock';
import { lockFailures, lockWaitSeconds, SUBJECT_NUMBER_LOCK as LOCK, type LockFailureReason } from './lock-metrics.js';
import { COMMAND_TIMEOUT_MS, type RedisNodes } from './redis-nodes.js';
import { createInProcessQueue, type SubjectNumberLock } from './subject-number-lock.js';

export interface RedlockSubjectNumberLockOptions {
  nodes: RedisNodes;
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  /** How long a lock lives unless released: short, so a crashed holder blocks a study only briefly. */
  ttlMs: number;
  /** How long to wait for another instance's lock before refusing with SERVICE_UNAVAILABLE. */
  waitMs: number;
  logger: Logger;
}

/**
 * Nodes that voted against the last attempt for another reason than the lock being held: a
 * command timeout or a lost connection. A paused or hung Redis keeps its connection open, so
 * only the votes tell it apart from a lock another instance holds.
 */
async function nodesNotAnswering(error: ExecutionError, options: { waitForAllVotes: boolean }): Promise<number> {
  const last = error.attempts.at(-1);
  if (!last) return 0;
  // The stats settle once every node has voted; a node that hangs votes when its command times out.
  const pending = Symbol('pending');
  const stats = await Promise.race([last, ...(options.waitForAllVotes ? [] : [Promise.resolve(pending)])]).catch(() => undefined);
  if (!stats || stats === pending) return 0;
  return [...stats.votesAgainst.values()].filter((vote) => !(vote instanceof ResourceLockedError)).length;
}

/** Between attempts: short, because an allocation holds the lock for a few milliseconds. */
const RETRY_DELAY_MS = 5;
const RETRY_JITTER_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The numbering lock across instances: Redlock over the configured Redis nodes, keyed by study.
 * Callers of one process queue in process first, so each instance sends one contender per study
 * to Redis instead of one per request. Retries are ours rather than Redlock's so that an
 * unreachable Redis fails at once while a busy lock is waited for, up to `waitMs`.
 */
export function createRedlockSubjectNumberLock(options: RedlockSubjectNumberLockOptions): SubjectNumberLock {
  const { nodes, logger } = options;
  // No retries inside Redlock: a failed release must not hold the next allocation up.
  const redlock = new Redlock(nodes.clients, { retryCount: 0, driftFactor: 0.01 });
  const local = createInProcessQueue();

  const refuse = (reason: LockFailureReason, message: string, cause: unknown): never => {
    lockFailures.inc({ lock: LOCK, reason });
    // Only an unreachable Redis is a dependency failure; a lock held elsewhere is contention.
    throw new ServiceUnavailableError(message, { cause, ...(reason === 'unavailable' ? { dependency: 'redis' } : {}) });
  };

  async function acquire(studyId: string): Promise<Lock> {
    const key = `${options.keyPrefix}lock:subject-number:${studyId}`;
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      try {
        return await redlock.acquire([key], options.ttlMs);
      } catch (error) {
        if (!(error instanceof ExecutionError)) throw error;
        if (nodes.reachable() < nodes.quorum) {
          refuse('unavailable', 'The subject numbering lock (Redis) is unreachable, so no subject was created; retry in a moment.', error);
        }
        const delay = RETRY_DELAY_MS + Math.floor(Math.random() * RETRY_JITTER_MS);
        const givingUp = Date.now() + delay > deadline;
        // Before the last answer, only votes already in count: a retry must not wait for a slow node.
        const silent = await nodesNotAnswering(error, { waitForAllVotes: givingUp });
        if (nodes.clients.length - silent < nodes.quorum) {
          refuse(
            'unavailable',
            `Redis, which holds the subject numbering lock, is not answering (${silent} of ${nodes.clients.length} node(s) gave no answer within ${COMMAND_TIMEOUT_MS} ms), so no subject was created; retry in a moment.`,
            error,
          );
        }
        if (givingUp) {
          refuse(
            'timeout',
            `Another instance held the numbering lock of this study for over ${options.waitMs} ms, so no subject was created; retry in a moment.`,
            error,
          );
        }
        await sleep(delay);
      }
    }
  }

  return {
    kind: `redlock over ${nodes.clients.length} Redis node(s), ttl ${options.ttlMs} ms`,
    withLock(studyId, critical) {
      const waitStarted = performance.now();
      return local(studyId, async () => {
        const lock = await acquire(studyId);
        lockWaitSeconds.observe({ lock: LOCK }, (performance.now() - waitStarted) / 1000);
        try {
          return await critical();
        } finally {
          if (Date.now() > lock.expiration) {
            // Another instance may have allocated meanwhile; the unique constraint settled any clash.
            lockFailures.inc({ lock: LOCK, reason: 'expired' });
            logger.warn({ studyId, ttlMs: options.ttlMs }, 'subject numbering lock expired before the allocation finished');
          }
          await lock.release().catch((error: unknown) => {
            logger.debug({ studyId, reason: error instanceof Error ? error.message : String(error) }, 'lock release failed; it expires on its own');
          });
        }
      });
    },
    ping: () => nodes.ping(),
    close: () => nodes.close(),
  };
}
