import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

/** The instants the API takes: years 1 to 9999, what PostgreSQL and ISO 8601 without extended years both hold. */
export const EARLIEST_DATE_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_DATE_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

function withinRange(date: Date): Date {
  if (date.getTime() < EARLIEST_DATE_TIME_MS || date.getTime() > LATEST_DATE_TIME_MS) {
    throw new GraphQLError(`DateTime must be between 0001-01-01 and 9999-12-31, got ${date.toISOString()}`);
  }
  return date;
}

/**
 * DateTime per the contract: ISO 8601 in, always UTC ISO 8601 with milliseconds out.
 * Input validation is graphql-scalars' (RFC 3339); serialisation is ours because
 * the contract promises a UTC string whatever the driver hands back.
 */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in time, ISO 8601; always returned in UTC, e.g. 2026-03-01T08:30:00.000Z',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue: (value) => withinRange(DateTimeResolver.parseValue(value)),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be an ISO 8601 string');
    return withinRange(DateTimeResolver.parseLiteral(ast, undefined));
  },
});
