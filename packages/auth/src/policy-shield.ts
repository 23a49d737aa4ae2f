import { ForbiddenError } from '@trialgraph/graphql-kit';
import type { GraphQLNamedType, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { deny, rule, shield, type IRule } from 'graphql-shield';
import { ACCESS_POLICY, rightOpening, type RightName } from './access-policy.js';
import type { RequestAccess, RowLocation } from './access-scope.js';

/** What the rules read from each request's context. */
export interface PolicyContext {
  access: RequestAccess;
}

/** Where a resolved object of one type lies (its study, site, sender), from the row its resolvers get. */
export type RowLocator = (parent: unknown) => RowLocation | undefined;

/**
 * A subgraph's graphql-shield middleware, built from ACCESS_POLICY for the fields its schema
 * has. A root field or mutation is open to callers holding its right at all (the service
 * then applies the right's scope to the rows); a field of an object the subgraph can locate
 * is open only when the caller's right covers that very row, so a token's study-wide role
 * never reveals what only its site-scoped role may read. Deny is the default: a field the
 * table does not open stays closed.
 */
export function policyShield(schema: GraphQLSchema, locators: Readonly<Record<string, RowLocator>>) {
  // A context exists only once the request's token was verified, so reaching the rule means signed in.
  const isSignedIn = rule('signedIn', { cache: 'contextual' })(() => true);
  const holding = new Map<RightName, IRule>();
  const holds = (right: RightName) => {
    let made = holding.get(right);
    if (!made) {
      made = rule(`holds:${right}`, { cache: 'contextual' })((_parent, _args, context: PolicyContext) =>
        context.access.holds(right) ? true : new ForbiddenError(ACCESS_POLICY[right].refusal),
      );
      holding.set(right, made);
    }
    return made;
  };
  const covering = new Map<string, IRule>();
  const coversRow = (right: RightName, typeName: string, locate: RowLocator) => {
    const name = `covers:${right}:${typeName}`;
    let made = covering.get(name);
    if (!made) {
      made = rule(name, { cache: 'no_cache' })((parent, _args, context: PolicyContext) => {
        const row = locate(parent);
        const allowed = row === undefined ? context.access.holds(right) : context.access.allows(right, row);
        return allowed ? true : new ForbiddenError(ACCESS_POLICY[right].refusal);
      });
      covering.set(name, made);
    }
    return made;
  };

  const rules: Record<string, Record<string, IRule>> = {};
  for (const type of objectTypesOf(schema)) {
    const locate = locators[type.name];
    for (const fieldName of Object.keys(type.getFields())) {
      const right = rightOpening(type.name, fieldName);
      if (right === undefined) continue;
      (rules[type.name] ??= {})[fieldName] = right === 'signedIn' ? isSignedIn : locate ? coversRow(right, type.name, locate) : holds(right);
    }
  }
  return shield(rules, {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('you may not read this field'),
    // Our resolvers' own errors (NOT_FOUND, CONFLICT…) must reach the client as they are.
    allowExternalErrors: true,
  });
}

/**
 * The schema's object types but introspection's. Told by their tag, not `isObjectType`: a
 * schema built by a CommonJS copy of graphql (@apollo/subgraph's) fails graphql's
 * cross-realm `instanceof` check when this module was given the ESM copy (vitest does that).
 */
function objectTypesOf(schema: GraphQLSchema): GraphQLObjectType[] {
  const isObject = (type: GraphQLNamedType): type is GraphQLObjectType => Object.prototype.toString.call(type) === '[object GraphQLObjectType]';
  return Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObject(type) && !type.name.startsWith('__'));
}

/** Every field of the schema no entry of ACCESS_POLICY opens (closed to everyone): a test keeps this empty. */
export function coordinatesClosedByPolicy(schema: GraphQLSchema): string[] {
  return objectTypesOf(schema)
    .flatMap((type) => Object.keys(type.getFields()).map((field) => [type.name, field] as const))
    .filter(([typeName, field]) => rightOpening(typeName, field) === undefined)
    .map(([typeName, field]) => `${typeName}.${field}`);
}
