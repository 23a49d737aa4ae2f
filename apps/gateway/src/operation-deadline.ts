import { ServiceUnavailableError } from '@trialgraph/graphql-kit';
import type { RequestScope } from '@trialgraph/observability';
import type { Request, Response } from 'express';

/** The abort reason of a request whose deadline passed (as opposed to a client that left). */
class DeadlineExpired extends Error {
  constructor(readonly deadlineMs: number) {
    super(`the operation's deadline of ${deadlineMs} ms passed`);
  }
}

/** The abort reason of a request whose client closed the connection before its answer. */
class ClientWentAway extends Error {}

export function isDeadlineExpiry(reason: unknown): reason is DeadlineExpired {
  return reason instanceof DeadlineExpired;
}

/** The answer for work cut short by the deadline: SERVICE_UNAVAILABLE naming it, and what was still awaited. */
export function deadlineExpiredError(options: { expiry: DeadlineExpired; waitingFor: string; cause?: unknown }): ServiceUnavailableError {
  const error = new ServiceUnavailableError(
    `the operation did not finish within its deadline of ${options.expiry.deadlineMs} ms (REQUEST_DEADLINE_MS): ` +
      `${options.waitingFor} had not answered; ask for less or retry later`,
    { dependency: 'deadline', cause: options.cause },
  );
  error.extensions.subgraph = options.waitingFor;
  return error;
}

/**
 * Gives each GraphQL operation at the gateway a deadline (REQUEST_DEADLINE_MS from now) and a
 * signal that aborts when the deadline passes or the client leaves. Subgraph fetches carry the
 * deadline in the x-request-deadline header and are aborted with the signal, so no subgraph
 * keeps working for an answer nobody waits for.
 */
export function createOperationScope(deadlineMs: number): (req: Request, res: Response) => RequestScope {
  return (req, res) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineExpired(deadlineMs)), deadlineMs);
    timer.unref();
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new ClientWentAway('the client closed the connection before its answer'));
    });
    return { requestId: String((req as Request & { id?: unknown }).id), deadline: Date.now() + deadlineMs, signal: controller.signal };
  };
}
