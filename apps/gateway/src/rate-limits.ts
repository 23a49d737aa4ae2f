import type { Identity, Role } from '@trialgraph/auth';
import { RateLimitedError } from '@trialgraph/graphql-kit';
import { Counter, metricsRegistry, type Logger } from '@trialgraph/observability';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** What a request spends: reads and mutations are counted per window, imports by uploads running at once. */
export type Budget = 'read' | 'mutation' | 'import';

export interface RateLimitSettings {
  windowMs: number;
  /** Reads and mutations per window of a caller without a role of its own budget (RATE_LIMIT_READS, RATE_LIMIT_MUTATIONS). */
  reads: number;
  mutations: number;
  /** Each role's reads and mutations per window (RATE_LIMIT_READS_<ROLE>…); a caller gets the largest of its roles'. */
  roleBudgets: Partial<Record<Role, { reads: number; mutations: number }>>;
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

/** A caller's budget of reads or mutations, the role it comes from (for the metric) and the variable that sets it. */
interface CallerBudget {
  points: number;
  role: string;
  variable: string;
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
  // One limiter per budget size: they share the caller's key (the count is the caller's, whatever
  // role it acts in) and differ only in where they refuse. In memory, one store per size.
  const sized = new Map<string, RateLimiterAbstract>();
  const windowLimiter = (budget: 'read' | 'mutation', points: number): RateLimiterAbstract => {
    const key = `${budget}:${points}`;
    let limiter = sized.get(key);
    if (!limiter) {
      limiter = limiterOf(budget, points, settings.windowMs);
      sized.set(key, limiter);
    }
    return limiter;
  };
  const importLimiter = limiterOf('import', settings.concurrentImports, settings.importSlotTtlMs);
  const importBudget: CallerBudget = { points: settings.concurrentImports, role: '', variable: 'RATE_LIMIT_CONCURRENT_IMPORTS' };

  /** The largest budget among the caller's roles; a role without its own has the default. */
  function budgetOf(identity: Identity, budget: 'read' | 'mutation'): CallerBudget {
    const name = budget === 'read' ? 'READS' : 'MUTATIONS';
    const fallback = budget === 'read' ? settings.reads : settings.mutations;
    let best: CallerBudget = { points: fallback, role: roleLabel(identity), variable: `RATE_LIMIT_${name}` };
    let first = true;
    for (const role of [...identity.roles].sort()) {
      const own = settings.roleBudgets[role];
      const points = own ? (budget === 'read' ? own.reads : own.mutations) : fallback;
      if (first || points > best.points) best = { points, role, variable: own ? `RATE_LIMIT_${name}_${role}` : `RATE_LIMIT_${name}` };
      first = false;
    }
    return best;
  }
  let lastWarning = 0;
  const exempt = (identity: Identity) => identity.roles.some((role) => settings.exemptRoles.includes(role));

  async function consume(identity: Identity, budget: Budget): Promise<boolean> {
    const allowance = budget === 'import' ? { ...importBudget, role: roleLabel(identity) } : budgetOf(identity, budget);
    const limiter = budget === 'import' ? importLimiter : windowLimiter(budget, allowance.points);
    try {
      await limiter.consume(identity.userId);
      return true;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        refusals.inc({ role: allowance.role, budget });
        // A refused consume still counted: a slot is given back one by one, so the count must stay exact.
        if (budget === 'import') importLimiter.reward(identity.userId).catch(() => {});
        // An import slot frees when another upload ends, which nobody can predict: suggest a window, not the slot's safety TTL.
        const waitMs = budget === 'import' ? Math.min(outcome.msBeforeNext, settings.windowMs) : outcome.msBeforeNext;
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        const limitName =
          budget === 'import'
            ? `${allowance.variable} (${allowance.points} at once)`
            : `${allowance.variable} (${allowance.points} per ${settings.windowMs} ms)`;
        throw new RateLimitedError(
          `too many ${budget === 'import' ? 'imports at once' : `${budget}s`} for this caller: the limit is ${limitName}; retry in ${retryAfterSeconds} s`,
          { retryAfterSeconds, limit: allowance.variable },
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
        importLimiter.reward(identity.userId).catch(() => {
          // Redis gone: the slot frees itself when its key expires (RATE_LIMIT_IMPORT_SLOT_TTL_MS).
        });
      };
    },
    async close() {
      redis?.disconnect();
    },
  };
}
