import type { Logger } from '@trialgraph/observability';
import { accessOf, type RequestAccess } from './access-scope.js';
import { authenticateRequest } from './authenticate-request.js';
import type { Identity } from './identity.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * The part of every subgraph's request context that says who is calling, what they may do and
 * which request this is; each subgraph adds its own database, loaders and services to it.
 */
export interface CallerContext {
  /** Who is calling, from their verified token. */
  identity: Identity;
  /** What this caller may do, right by right, and where (ACCESS_POLICY); queries filter by it. */
  access: RequestAccess;
  /** Who is acting, as written to the audit trail and with each stored row: the token's subject. */
  actor: string;
  requestId: string;
  /** The process's logger, naming the request in every line. */
  logger: Logger;
}

/** The caller's part of a context, for an identity already known (a verified token, or the system acting itself). */
export function callerContext(identity: Identity, request: { requestId: string; logger: Logger }): CallerContext {
  return {
    identity,
    access: accessOf(identity),
    actor: identity.userId,
    requestId: request.requestId,
    logger: request.logger.child({ requestId: request.requestId }),
  };
}

/**
 * Verifies the request's bearer token (UNAUTHENTICATED otherwise) and returns the caller's part of
 * the context: a subgraph checks the token itself, never trusting a header that says who the user is.
 */
export async function authenticateCaller(
  verify: TokenVerifier,
  authorization: string | string[] | undefined,
  request: { requestId: string; logger: Logger },
): Promise<CallerContext> {
  return callerContext(await authenticateRequest(verify, authorization), request);
}
