import type { Identity } from '@trialgraph/auth';
import { RateLimitedError } from '@trialgraph/graphql-kit';
import { Counter, metricsRegistry, type Logger } from '@trialgraph/observability';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** What a request spends: reads and mutations are counted per window, imports by uploads running at once. */
export type Budget = 'read' | 'mutation' | 'import';

export interface RateLimitSettings {
  windowMs: number;
  reads: number;
  mutations: number;
  concurrentImports: number;
  /** How long an import slot stays taken when the gateway holding it dies without giving it back. */
  importSlotTtlMs: number;
  exemptRoles: readonly string[];
  /** Shared by every gateway instance; unset: each instance counts alone, in memory. */
  redisUrl: string | undefined;
  redisTimeoutMs: number;
  keyPrefix: string;
  logger: Logger;
}

const refusals = new Counter({
  name: 'trialgraph_rate_limit_refusals_total',
  help: 'Requests refused with RATE_LIMITED at the gateway, by role of the caller and budget (read, mutation, import)',
  labelNames: ['role', 'budget'],
  registers: [metricsRegistry],
});

const unchecked = new Counter({
  name: 'trialgraph_rate_limit_unavailable_total',
  help: 'Requests let through without a rate-limit check because Redis did not answer (the limiter fails open)',
  labelNames: ['budget'],
  registers: [metricsRegistry],
});

/** One label per caller, bounded: the first of their roles in a fixed order. */
function roleLabel(identity: Identity): string {
  return [...identity.roles].sort()[0] ?? 'NONE';
}

const FAIL_OPEN_WARNING_INTERVAL_MS = 10_000;

export interface RateLimiter {
  /** Spends one unit of `budget` for the caller, or throws RateLimitedError (HTTP 429, nothing executed). */
  spend(identity: Identity, budget: 'read' | 'mutation'): Promise<void>;
  /** Takes one of the caller's import slots, or throws RateLimitedError; call the returned function when the upload ends. */
  takeImportSlot(identity: Identity): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * Per-caller budgets (the token's `sub`) at the gateway, with rate-limiter-flexible. With
 * REDIS_URL every gateway instance counts in the same Redis keys, so a caller cannot multiply
 * its budget by the number of instances. Availability comes first: when Redis does not answer
 * within RATE_LIMIT_REDIS_TIMEOUT_MS the request goes through unchecked, with a warning and a
 * metric, rather than every caller being refused because the limiter's store is down.
 */
export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  const redis = settings.redisUrl
    ? new Redis(settings.redisUrl, {
        // Fail at once while disconnected instead of queueing every request behind the reconnect.
        enableOfflineQueue: false,
        commandTimeout: settings.redisTimeoutMs,
        maxRetriesPerRequest: 0,
        lazyConnect: false,
      })
    : undefined;
  redis?.on('error', () => {
    // Reported through the fail-open warning below; ioredis reconnects by itself.
  });
  const limiterOf = (name: string, points: number, durationMs: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${settings.keyPrefix}rate:${name}`, points, duration: durationMs / 1000 })
      : new RateLimiterMemory({ keyPrefix: name, points, duration: durationMs / 1000 });
  const limiters: Record<Budget, RateLimiterAbstract> = {
    read: limiterOf('read', settings.reads, settings.windowMs),
    mutation: limiterOf('mutation', settings.mutations, settings.windowMs),
    import: limiterOf('import', settings.concurrentImports, settings.importSlotTtlMs),
  };
  const limitNames: Record<Budget, string> = {
    read: `RATE_LIMIT_READS (${settings.reads} per ${settings.windowMs} ms)`,
    mutation: `RATE_LIMIT_MUTATIONS (${settings.mutations} per ${settings.windowMs} ms)`,
    import: `RATE_LIMIT_CONCURRENT_IMPORTS (${settings.concurrentImports} at once)`,
  };
  let lastWarning = 0;
  const exempt = (identity: Identity) => identity.roles.some((role) => settings.exemptRoles.includes(role));

  async function consume(identity: Identity, budget: Budget): Promise<boolean> {
    try {
      await limiters[budget].consume(identity.userId);
      return true;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        refusals.inc({ role: roleLabel(identity), budget });
        // A refused consume still counted: a slot is given back one by one, so the count must stay exact.
        if (budget === 'import') limiters.import.reward(identity.userId).catch(() => {});
        // An import slot frees when another upload ends, which nobody can predict: suggest a window, not the slot's safety TTL.
        const waitMs = budget === 'import' ? Math.min(outcome.msBeforeNext, settings.windowMs) : outcome.msBeforeNext;
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new RateLimitedError(
          `too many ${budget === 'import' ? 'imports at once' : `${budget}s`} for this caller: the limit is ${limitNames[budget]}; retry in ${retryAfterSeconds} s`,
          { retryAfterSeconds, limit: limitNames[budget].split(' ')[0] },
        );
      }
      unchecked.inc({ budget });
      const now = Date.now();
      if (now - lastWarning > FAIL_OPEN_WARNING_INTERVAL_MS) {
        lastWarning = now;
        settings.logger.warn({ err: outcome, budget }, 'rate limiter unavailable (Redis did not answer): letting requests through unchecked');
      }
      return false;
    }
  }

  return {
    async spend(identity, budget) {
      if (!exempt(identity)) await consume(identity, budget);
    },
    async takeImportSlot(identity) {
      if (exempt(identity) || !(await consume(identity, 'import'))) return () => {};
      let given = false;
      return () => {
        if (given) return;
        given = true;
        limiters.import.reward(identity.userId).catch(() => {
          // Redis gone: the slot frees itself when its key expires (RATE_LIMIT_IMPORT_SLOT_TTL_MS).
        });
      };
    },
    async close() {
      redis?.disconnect();
    },
  };
}
