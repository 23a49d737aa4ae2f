import type { GraphQLCompositeType, GraphQLNamedType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { graphql } from './graphql-commonjs.js';

const { getNamedType, getNullableType, isIntrospectionType, isLeafType, isListType, isObjectType } = graphql;

/**
 * How many items a list without a page-size argument is assumed to hold (`studies`,
 * `Study.sites`): such lists are small in this domain, but they must not count as one item.
 */
export const UNPAGED_LIST_SIZE = 100;

/** A Relay connection: its `first` sizes the page, and its `edges` list is that page. */
function isConnection(type: GraphQLNamedType | GraphQLCompositeType): boolean {
  return isObjectType(type) && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

/**
 * Items a list field may return, from the arguments as they will execute (variables and
 * defaults applied): `first`, else the longest list argument (`subjectNumbers`, the
 * `representations` the gateway sends to `_entities`), else UNPAGED_LIST_SIZE.
 */
function listSize(args: Record<string, unknown>): number {
  if (typeof args.first === 'number') return Math.max(args.first, 0);
  const lengths = Object.values(args).flatMap((value) => (Array.isArray(value) ? [value.length] : []));
  return lengths.length > 0 ? Math.max(...lengths) : UNPAGED_LIST_SIZE;
}

/**
 * The cost of an operation is the number of objects its answer may hold: an object field
 * counts 1 plus its selection, a scalar nothing, and a list or connection multiplies the cost
 * of one item by the items it may return. A connection counts its page even when only
 * `totalCount` is selected, because the subgraph reads the page's rows either way.
 *
 * The same estimator runs at the gateway and in each subgraph. What the gateway sends a
 * subgraph never costs more there than the whole operation did at the gateway: key fields
 * and `__typename` are scalars (free), and `_entities` counts one object per representation,
 * where the gateway counted at least an edge and a node for each.
 */
export const operationCostEstimator: ComplexityEstimator = ({ field, type, args, childComplexity }) => {
  const named = getNamedType(field.type);
  // Introspection (`__schema`, `__type`) reads the schema, no row, and is off in production; counted
  // as lists of 100 its nested types would make the explorers' own schema query cost millions.
  if (isIntrospectionType(named)) return 0;
  const perItem = (isLeafType(named) ? 0 : 1) + childComplexity;
  if (isListType(getNullableType(field.type))) {
    // The connection already multiplied by its page size.
    if (isConnection(type)) return perItem;
    return listSize(args) * perItem;
  }
  if (isConnection(named)) return Math.max(listSize(args), 1) * perItem;
  return perItem;
};
