import { ErrorCode } from '@trialgraph/graphql-kit';
import { REQUEST_DEADLINE_HEADER, runInRequestScope } from '@trialgraph/observability';
import type { Request, RequestHandler } from 'express';
import { writeRefusalHead } from './refuse-request.js';

export interface RequestDeadlineOptions {
  /** The latest deadline this server gives a request, in milliseconds after it arrives (SUBGRAPH_REQUEST_DEADLINE_MS). */
  maxMs: number;
  /**
   * Requests served outside any request scope: no deadline, and nothing here is cancelled when
   * their client leaves. For an upload to vitals: its import runs for minutes under limits of its
   * own, ends its own work when its client leaves, and must still record how it ended then.
   */
  exempt?: (req: Request) => boolean;
}

/** The caller's deadline (epoch milliseconds) when it sent a sane one no later than `now + maxMs`, else `now + maxMs`. */
export function deadlineOf(header: string | string[] | undefined, now: number, maxMs: number): number {
  const latest = now + maxMs;
  const given = typeof header === 'string' && /^\d{1,16}$/.test(header.trim()) ? Number(header) : undefined;
  return given === undefined ? latest : Math.min(given, latest);
}

/**
 * Runs each request inside a request scope (see @trialgraph/observability's request-scope) whose
 * deadline is the caller's `x-request-deadline`, bounded by `maxMs`, and whose signal aborts with
 * a TimeoutError when the deadline passes or an AbortError when the client closes the
 * connection first. The database layer cancels the request's statements on that signal, so work
 * nobody waits for any more stops. A request that arrives past its deadline is refused with
 * SERVICE_UNAVAILABLE before anything runs.
 *
 * Mount it after the body is parsed: the body parser resumes from stream callbacks, outside any
 * scope entered before it.
 */
export function requestDeadline(options: RequestDeadlineOptions): RequestHandler {
  return (req, res, next) => {
    if (options.exempt?.(req)) {
      next();
      return;
    }
    const now = Date.now();
    const deadline = deadlineOf(req.headers[REQUEST_DEADLINE_HEADER], now, options.maxMs);
    if (deadline <= now) {
      const body = writeRefusalHead(req, res, {
        code: ErrorCode.SERVICE_UNAVAILABLE,
        message: `The request arrived ${now - deadline} ms after its deadline (${REQUEST_DEADLINE_HEADER}), so nothing was done; send it again with a later deadline.`,
        extensions: { dependency: 'deadline' },
      });
      res.end(body);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException("the request's deadline passed", 'TimeoutError')), deadline - now);
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new DOMException('the client closed the request', 'AbortError'));
    });
    const id = (req as { id?: unknown }).id;
    const requestId = typeof id === 'string' ? id : '';
    runInRequestScope({ requestId, deadline, signal: controller.signal }, () => next());
  };
}
