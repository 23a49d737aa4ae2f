import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { BadUserInputError } from './errors.js';

/**
 * C0 and C1 control characters and DEL; tab, line feed and carriage return stay allowed. A NUL
 * byte fails in PostgreSQL (it used to answer INTERNAL_SERVER_ERROR) and escape sequences
 * travel into terminals and spreadsheets that later show the text.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

interface Finding {
  path: string;
  position: number;
  character: string;
}

function findControlCharacter(value: unknown, path: string): Finding | undefined {
  if (typeof value === 'string') {
    const match = CONTROL_CHARACTER.exec(value);
    return match ? { path, position: match.index + 1, character: match[0] } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findControlCharacter(item, `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  // Input objects only (graphql-js builds them without a prototype); an upload's promise is not text.
  const prototype: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && value !== null && (prototype === null || prototype === Object.prototype)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findControlCharacter(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Refuses arguments holding control characters as BAD_USER_INPUT, naming the argument and where. */
export function refuseControlCharacters(args: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(args)) {
    const found = findControlCharacter(value, name);
    if (found) {
      const code = `U+${found.character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new BadUserInputError(
        `${found.path} contains a control character (${code}) at position ${found.position}: remove it; only tab, line feed and carriage return are allowed in text`,
        { field: found.path },
      );
    }
  }
}

type FieldMiddleware = (
  resolve: GraphQLFieldResolver<unknown, unknown>,
  parent: unknown,
  args: Record<string, unknown>,
  context: unknown,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * graphql-middleware for every field of the schema that takes arguments: each is checked
 * before its resolver runs, so no text with control characters reaches a service or SQL.
 */
export function controlCharacterMiddleware(schema: GraphQLSchema): Record<string, Record<string, FieldMiddleware>> {
  const guard: FieldMiddleware = (resolve, parent, args, context, info) => {
    refuseControlCharacters(args);
    return resolve(parent, args, context, info);
  };
  const middleware: Record<string, Record<string, FieldMiddleware>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    // By tag, not isObjectType: the schema may come from another copy of graphql (see policyShield).
    if (Object.prototype.toString.call(type) !== '[object GraphQLObjectType]' || type.name.startsWith('__')) continue;
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      if (field.args.length > 0) (middleware[type.name] ??= {})[field.name] = guard;
    }
  }
  return middleware;
}
