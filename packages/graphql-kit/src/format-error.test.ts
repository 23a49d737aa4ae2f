import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from './errors.js';
import { createErrorFormatter } from './format-error.js';

function format(error: Error, production: boolean) {
  const logged: unknown[] = [];
  const formatter = createErrorFormatter({ production, logUnexpected: (original) => logged.push(original) });
  const wrapped = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
  const formatted = formatter(
    { message: wrapped.message, extensions: { code: wrapped.extensions.code ?? 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
    wrapped,
  );
  return { formatted, logged };
}

describe('createErrorFormatter', () => {
  it('passes our own errors through without their stack trace', () => {
    const { formatted, logged } = format(new NotFoundError('No subject with id 1'), true);
    expect(formatted).toEqual({ message: 'No subject with id 1', extensions: { code: 'NOT_FOUND' } });
    expect(logged).toEqual([]);
  });

  it('hides an unexpected error in production and logs it', () => {
    const bug = new Error('relation "subjects" does not exist');
    const { formatted, logged } = format(bug, true);
    expect(formatted).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([bug]);
  });

  it('turns a lost database connection into SERVICE_UNAVAILABLE naming the database, without its address', () => {
    const closed = Object.assign(new Error('write CONNECTION_CLOSED 10.0.0.5:5432'), { code: 'CONNECTION_CLOSED' });
    const { formatted } = format(closed, true);
    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', dependency: 'database' });
    expect(formatted.message).toBe('The database is unavailable right now; retry in a moment.');
    expect(formatted.message).not.toContain('10.0.0.5');
  });

  it('does not blame the database for a refused connection it cannot attribute (an HTTP call, Redis…)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4001'), { code: 'ECONNREFUSED' });
    const { formatted } = format(new Error('fetch failed', { cause: refused }), true);
    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(formatted.message).not.toMatch(/database/i);
    expect(formatted.message).not.toContain('127.0.0.1');
  });

  it('shows a ServiceUnavailableError wrapped by a driver as it was thrown, with the dependency it names', () => {
    const cancelled = new ServiceUnavailableError("The request's deadline passed while the database was still working on it.", { dependency: 'deadline' });
    // drizzle wraps every driver error in a DrizzleQueryError whose message carries the SQL.
    const wrapped = new Error('Failed query: select * from subjects\nparams: ', { cause: cancelled });
    const { formatted, logged } = format(wrapped, true);
    expect(formatted).toEqual({ message: cancelled.message, extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'deadline' } });
    expect(logged).toEqual([]);
  });

  it('shows development what failed, but not the values of a failed statement', () => {
    const failed = Object.assign(new Error('Failed query: update "subjects" set "name" = $1 where "id" = $2\nparams: Jane Smith,42'), {
      params: ['Jane Smith', 42],
    });
    const { formatted } = format(failed, false);
    expect(formatted).toEqual({ message: 'Failed query: update "subjects" set "name" = $1 where "id" = $2', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
