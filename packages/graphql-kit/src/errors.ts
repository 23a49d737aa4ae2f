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

/** A dependency (database, lock service) is unreachable; the request may be retried later. */
export class ServiceUnavailableError extends ApiError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, ErrorCode.SERVICE_UNAVAILABLE, options);
  }
}
