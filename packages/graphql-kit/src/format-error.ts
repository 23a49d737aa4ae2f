import type { GraphQLFormattedError } from 'graphql';
import { safeErrorMessage } from '@trialgraph/observability';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors.js';

const OUR_CODES = new Set<string>(Object.values(ErrorCode));
/** Codes Apollo Server itself assigns to request-level problems; they are safe to show as they are. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** SQLSTATE classes and socket errors that mean "the database is not there", not "the query is wrong". */
const UNAVAILABLE_SQLSTATES = /^(08|57P0|53300|3D000)/;
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) {
      return true;
    }
    current = current.cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

export interface ErrorFormatterOptions {
  /** Hide messages of unexpected errors and all stack traces from clients. */
  production: boolean;
  /** Where unexpected errors go, with their stack and cause, since the client does not see them. */
  logUnexpected: (error: unknown, formatted: GraphQLFormattedError) => void;
}

/**
 * Apollo's `formatError`: our own errors pass unchanged; a database that is down becomes
 * SERVICE_UNAVAILABLE; anything else is a bug, logged in full and shown to clients only as
 * INTERNAL_SERVER_ERROR, because stack traces and SQL must not leak.
 */
export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (typeof code === 'string' && (OUR_CODES.has(code) || APOLLO_CODES.has(code)) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return withoutStack(formatted);
    }
    if (isDependencyUnavailable(original)) {
      return {
        ...withoutStack(formatted),
        message: 'The database is unavailable right now; retry in a moment.',
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    // graphql-js wraps errors from the variables/arguments coercion with codes of its own.
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return withoutStack(formatted);
    }
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
