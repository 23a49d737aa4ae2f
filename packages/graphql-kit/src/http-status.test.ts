import { describe, expect, it } from 'vitest';
import { BadUserInputError, ConflictError, NotFoundError, RateLimitedError, ServiceUnavailableError, UnauthenticatedError } from './errors.js';
import { ErrorCode, HTTP_STATUS_OF_CODE, httpStatusOf, isErrorCode, statusAgreesWithCode } from './error-codes.js';
import { httpAnswerOfError } from './http-status.js';

describe('the HTTP answer of an error', () => {
  it('answers each code with its status and keeps the GraphQL error shape', () => {
    expect(httpAnswerOfError(new BadUserInputError('age must be between 1 and 130, got 0', { field: 'age' }))).toEqual({
      status: 400,
      headers: {},
      body: { errors: [{ message: 'age must be between 1 and 130, got 0', extensions: { code: 'BAD_USER_INPUT', field: 'age' } }] },
    });
    expect(httpAnswerOfError(new UnauthenticatedError()).status).toBe(401);
    expect(httpAnswerOfError(new NotFoundError('no subject')).status).toBe(404);
    expect(httpAnswerOfError(new ConflictError('stale version')).status).toBe(409);
    expect(httpAnswerOfError({ message: 'something broke' }).status).toBe(500);
  });

  it('lets an error name its own status (a size limit is 413), without showing it in the body', () => {
    const answer = httpAnswerOfError(new BadUserInputError('too many readings', { extensions: { http: { status: 413 } } }));
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('tells a client when to retry a 429 or a 503', () => {
    expect(httpAnswerOfError(new RateLimitedError('slow down', { retryAfterSeconds: 7 })).headers).toEqual({ 'retry-after': '7' });
    const unavailable = httpAnswerOfError(new ServiceUnavailableError('the database is down', { dependency: 'database' }));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('1');
  });
});

describe('the one table of error codes', () => {
  it('gives each error class that ends a request the status of its code in the table', () => {
    expect(new UnauthenticatedError().extensions.http).toEqual({ status: HTTP_STATUS_OF_CODE.UNAUTHENTICATED });
    expect((new RateLimitedError('slow down', { retryAfterSeconds: 3 }).extensions.http as { status: number }).status).toBe(HTTP_STATUS_OF_CODE.RATE_LIMITED);
    expect(new BadUserInputError('over MAX_QUERY_COST', { httpStatus: true }).extensions.http).toEqual({ status: HTTP_STATUS_OF_CODE.BAD_USER_INPUT });
    // An error inside a GraphQL answer leaves its status alone: the answer stays 200.
    expect(new NotFoundError('no subject').extensions.http).toBeUndefined();
  });

  it('refines only a 400 into 408, 413 or 415, and knows no code outside the table', () => {
    expect(httpStatusOf(ErrorCode.BAD_USER_INPUT, 413)).toBe(413);
    expect(httpStatusOf(ErrorCode.SERVICE_UNAVAILABLE, 413)).toBe(503);
    expect(statusAgreesWithCode(413, ErrorCode.BAD_REQUEST)).toBe(true);
    expect(statusAgreesWithCode(502, ErrorCode.SERVICE_UNAVAILABLE)).toBe(false);
    expect(isErrorCode('TEAPOT')).toBe(false);
    // @ts-expect-error a code that is not in the table does not compile
    expect(() => httpStatusOf('TEAPOT')).not.toThrow();
  });
});
