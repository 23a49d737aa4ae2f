import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` the API returns, in one place: clients switch on these,
 * so a code is never spelled by hand anywhere else.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The caller sent more than its budget allows; `extensions.retryAfterSeconds` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The HTTP request itself is malformed (not JSON, broken multipart, missing CSRF header). */
  BAD_REQUEST: 'BAD_REQUEST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

type Extensions = Record<string, unknown>;

/** Base of the API's errors: the code is fixed by the class, the cause is kept for the logs. */
abstract class ApiError extends GraphQLError {
  constructor(message: string, code: ErrorCode, options: { extensions?: Extensions; cause?: unknown } = {}) {
    super(message, { extensions: { ...options.extensions, code }, originalError: toError(options.cause) });
    this.name = new.target.name;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

function toError(cause: unknown): Error | undefined {
  return cause instanceof Error ? cause : undefined;
}

/** The caller sent something we refuse; `field` names the input at fault. */
export class BadUserInputError extends ApiError {
  constructor(message: string, options: { field?: string; extensions?: Extensions; cause?: unknown } = {}) {
    const extensions = options.field === undefined ? options.extensions : { ...options.extensions, field: options.field };
    super(message, ErrorCode.BAD_USER_INPUT, { ...options, extensions });
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, options: { extensions?: Extensions } = {}) {
    super(message, ErrorCode.NOT_FOUND, options);
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, options: { extensions?: Extensions; cause?: unknown } = {}) {
    super(message, ErrorCode.CONFLICT, options);
  }
}

export class UnauthenticatedError extends ApiError {
  constructor(message = 'Sign in first: send a valid bearer token in the Authorization header.', options: { cause?: unknown } = {}) {
    // Apollo answers with this status when the error ends a request before execution, and drops it from the body.
    super(message, ErrorCode.UNAUTHENTICATED, { ...options, extensions: { http: { status: 401 } } });
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(message, ErrorCode.FORBIDDEN);
  }
}

/**
 * A dependency (database, lock service, another subgraph) is unreachable or past its time; the
 * request may be retried later. `dependency` names it ("database", "redis", "subjects",
 * "deadline"…) so an operator knows where to look.
 */
export class ServiceUnavailableError extends ApiError {
  constructor(message: string, options: { cause?: unknown; dependency?: string; retryAfterSeconds?: number } = {}) {
    const extensions: Extensions = {};
    if (options.dependency !== undefined) extensions.dependency = options.dependency;
    if (options.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = options.retryAfterSeconds;
    super(message, ErrorCode.SERVICE_UNAVAILABLE, { cause: options.cause, extensions });
  }
}

/** Over a rate limit: nothing was executed; HTTP 429 with Retry-After. */
export class RateLimitedError extends ApiError {
  constructor(message: string, options: { retryAfterSeconds: number; limit?: string }) {
    // Apollo turns `http` into the response's status and headers, and drops it from the body.
    const http = { status: 429, headers: new Map([['retry-after', String(options.retryAfterSeconds)]]) };
    const extensions: Extensions = { retryAfterSeconds: options.retryAfterSeconds, http };
    if (options.limit !== undefined) extensions.limit = options.limit;
    super(message, ErrorCode.RATE_LIMITED, { extensions });
  }
}
