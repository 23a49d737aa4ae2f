import { GraphQLError } from 'graphql';
import { ErrorCode, httpStatusOf, type RefinedStatus } from './error-codes.js';

export { ErrorCode } from './error-codes.js';

type Extensions = Record<string, unknown>;

interface ApiErrorOptions {
  extensions?: Extensions;
  cause?: unknown;
  /**
   * For an error that ends the request before anything runs: answer with the HTTP status of its
   * code in the one table (`true`), or with a more precise 400-class one (413 for a size limit).
   * Unset for an error inside a GraphQL answer, whose status stays 200.
   */
  httpStatus?: true | RefinedStatus;
  /** Headers of that answer (Retry-After). */
  httpHeaders?: Record<string, string>;
}

/** Base of the API's errors: the code is fixed by the class, its HTTP status comes from the table, the cause is kept for the logs. */
abstract class ApiError extends GraphQLError {
  constructor(message: string, code: ErrorCode, options: ApiErrorOptions = {}) {
    const { httpStatus, httpHeaders } = options;
    // Apollo turns `http` into the response's status and headers, and drops it from the body.
    const http =
      httpStatus === undefined
        ? {}
        : {
            http: {
              status: httpStatusOf(code, httpStatus === true ? undefined : httpStatus),
              ...(httpHeaders ? { headers: new Map(Object.entries(httpHeaders)) } : {}),
            },
          };
    super(message, { extensions: { ...options.extensions, ...http, code }, originalError: toError(options.cause) });
    this.name = new.target.name;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

function toError(cause: unknown): Error | undefined {
  return cause instanceof Error ? cause : undefined;
}

/** The caller sent something we refuse; `field` names the input at fault. */
export class BadUserInputError extends ApiError {
  constructor(message: string, options: ApiErrorOptions & { field?: string } = {}) {
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
    super(message, ErrorCode.UNAUTHENTICATED, { ...options, httpStatus: true });
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
    super(message, ErrorCode.RATE_LIMITED, {
      extensions: { retryAfterSeconds: options.retryAfterSeconds, ...(options.limit === undefined ? {} : { limit: options.limit }) },
      httpStatus: true,
      httpHeaders: { 'retry-after': String(options.retryAfterSeconds) },
    });
  }
}
