import { GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

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
  parseValue: (value) => DateTimeResolver.parseValue(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be an ISO 8601 string');
    return DateTimeResolver.parseLiteral(ast, undefined);
  },
});
