import type { GraphQLFormattedError } from 'graphql';
import { safeErrorMessage } from '@trialgraph/observability';
import { GraphQLError } from 'graphql';
import { APOLLO_SERVER_CODES, ErrorCode, isErrorCode } from './error-codes.js';

/** The codes our error classes carry; Apollo Server's own (parse, validation…) are safe to show as they are too. */
const OUR_CODES = new Set<string>(Object.values(ErrorCode).filter((code) => !APOLLO_SERVER_CODES.has(code)));

/** SQLSTATE classes that mean "the database is not there", not "the query is wrong": only PostgreSQL (or PGlite) raises these. */
const UNAVAILABLE_SQLSTATES = /^(08|57P0|53300|3D000)/;
/** Socket errors: a dependency did not answer, but the code alone does not say which one. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
/** postgres.js's codes for a connection it lost or could not open. */
const DATABASE_CONNECTION_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** The errors of a chain, outermost first: each error's `cause`, or a GraphQL error's `originalError`. */
function* causeChain(error: unknown): Generator<Error> {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    yield current;
    current = current.cause ?? (current as { originalError?: unknown }).originalError;
  }
}

/** The first error of our own (a code of the table in errors.ts, not INTERNAL) in the chain: drizzle and graphql-js wrap them. */
function ownErrorIn(error: unknown): GraphQLError | undefined {
  for (const current of causeChain(error)) {
    if (!(current instanceof GraphQLError)) continue;
    const code = current.extensions.code;
    if (typeof code === 'string' && OUR_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return current;
  }
  return undefined;
}

/**
 * Which dependency failed, when `error` says one did: the `dependency` a ServiceUnavailableError
 * names ("database", "redis", "subjects", "deadline"…), "database" for a SQLSTATE or postgres.js
 * connection error, "unknown" for a bare socket error (a refused connection says nothing of
 * whose it was), undefined when the error is something else.
 */
export function unavailableDependencyOf(error: unknown): string | undefined {
  for (const current of causeChain(error)) {
    if (current instanceof GraphQLError && current.extensions.code === ErrorCode.SERVICE_UNAVAILABLE) {
      const dependency = current.extensions.dependency;
      return typeof dependency === 'string' ? dependency : 'unknown';
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (DATABASE_CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code)) return 'database';
    if (UNAVAILABLE_SOCKET_CODES.has(code)) return 'unknown';
  }
  return undefined;
}

export function isDependencyUnavailable(error: unknown): boolean {
  return unavailableDependencyOf(error) !== undefined;
}

export interface ErrorFormatterOptions {
  /** Hide messages of unexpected errors and all stack traces from clients. */
  production: boolean;
  /** Where unexpected errors go, with their stack and cause, since the client does not see them. */
  logUnexpected: (error: unknown, formatted: GraphQLFormattedError) => void;
}

/**
 * Apollo's `formatError`: our own errors pass unchanged, even when a driver or graphql-js wrapped
 * them; a dependency that failed becomes SERVICE_UNAVAILABLE naming it; anything else is a bug,
 * logged in full and shown to clients only as INTERNAL_SERVER_ERROR, because stack traces and SQL
 * must not leak.
 */
export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return withoutStack(formatted);
    }
    const own = ownErrorIn(original);
    if (own) {
      // `http` tells Apollo a status for errors it sees itself; here it would only leak into the body.
      const { http: _http, ...extensions } = own.extensions;
      return {
        message: own.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions,
      };
    }
    const dependency = unavailableDependencyOf(original);
    if (dependency !== undefined) {
      return {
        ...withoutStack(formatted),
        message:
          dependency === 'database'
            ? 'The database is unavailable right now; retry in a moment.'
            : 'A service this request depends on is unavailable right now; retry in a moment.',
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...(dependency === 'unknown' ? {} : { dependency }) },
      };
    }
    // A code outside the one table (a library's own) is not part of the contract: it is a bug like any other.
    options.logUnexpected(original, formatted);
    return {
      // Development shows what failed, but never the values of a failed statement.
      message: options.production ? 'Internal server error' : safeErrorMessage(original),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
