import { ErrorCode } from './errors.js';

/**
 * The HTTP status each code answers with on the routes that are not GraphQL (REST, exports):
 * one table, so a code reads the same whichever surface the caller uses. An error may still name
 * its own status in `extensions.http.status` (413 for a size limit), which wins.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** Seconds a client should wait before trying again after a 503 that names none. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

export interface HttpAnswerOfError {
  status: number;
  /** Retry-After, for 429 and 503. */
  headers: Record<string, string>;
  body: { errors: Array<{ message: string; extensions: Record<string, unknown> & { code: string } }> };
}

/** The HTTP answer of an error with `extensions.code`: its status, Retry-After when it may be retried, and the GraphQL error shape as the body. */
export function httpAnswerOfError(error: { message: string; extensions?: Record<string, unknown> }): HttpAnswerOfError {
  const { http, ...extensions } = (error.extensions ?? {}) as { http?: { status?: number }; code?: string } & Record<string, unknown>;
  const code = (extensions.code as ErrorCode | undefined) ?? ErrorCode.INTERNAL_SERVER_ERROR;
  // The code may come from anywhere (a subgraph, a library): one not in the table is a 500.
  const status = http?.status ?? (HTTP_STATUS_OF_CODE as Partial<Record<string, number>>)[code] ?? 500;
  const headers: Record<string, string> = {};
  if (status === 429 || status === 503) {
    const seconds = typeof extensions.retryAfterSeconds === 'number' ? extensions.retryAfterSeconds : DEFAULT_RETRY_AFTER_SECONDS;
    headers['retry-after'] = String(Math.max(1, Math.ceil(seconds)));
  }
  return { status, headers, body: { errors: [{ message: error.message, extensions: { ...extensions, code } }] } };
}
