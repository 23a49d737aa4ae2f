import { ErrorCode, HTTP_STATUS_OF_CODE, isErrorCode } from './error-codes.js';

export { HTTP_STATUS_OF_CODE } from './error-codes.js';

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
  // The code may come from anywhere (a subgraph, a library): one not in the table is a 500.
  const code = isErrorCode(extensions.code) ? extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
  const status = http?.status ?? HTTP_STATUS_OF_CODE[code];
  const headers: Record<string, string> = {};
  if (status === 429 || status === 503) {
    const seconds = typeof extensions.retryAfterSeconds === 'number' ? extensions.retryAfterSeconds : DEFAULT_RETRY_AFTER_SECONDS;
    headers['retry-after'] = String(Math.max(1, Math.ceil(seconds)));
  }
  return { status, headers, body: { errors: [{ message: error.message, extensions: { ...extensions, code } }] } };
}
