import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { ValidationRule } from 'graphql';
import { graphql, queryComplexity } from './graphql-commonjs.js';
import { operationCostEstimator } from './operation-cost.js';

const { getOperationAST, getVariableValues } = graphql;
const { getComplexity } = queryComplexity;

/** The bounds on one operation, read from MAX_QUERY_* at the gateway and in every subgraph alike. */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
}

/**
 * Where the limits apply. A subgraph receives the query plan's fetches, to which the planner
 * adds `__typename`, key fields and an `_entities` wrapper: at most one token per selection
 * set (which has at least three), plus a fixed header. A subgraph therefore allows
 * SUBGRAPH_TOKEN_HEADROOM times MAX_QUERY_TOKENS, so that it never refuses a fetch of an
 * operation the gateway accepted; every other limit is the same number on both sides.
 */
export type LimitedServer = 'gateway' | 'subgraph';
const SUBGRAPH_TOKEN_HEADROOM = 2;

/** Refused operations cannot be planned or executed, so the caller gets 400 rather than 200. */
const HTTP_BAD_REQUEST = { http: { status: 400 } };

/**
 * Bounds every operation before it runs. Depth, aliases, directives and tokens are checked by
 * graphql-armor while parsing and validating. The cost is computed once the operation is
 * known, with its variables and its arguments' defaults (graphql-query-complexity): a page
 * size or a list of subject numbers sent as a variable counts for what it is.
 */
export function createOperationLimits<Context extends BaseContext>(
  limits: OperationLimits,
  options: { server: LimitedServer; production: boolean },
): { plugins: ApolloServerPlugin<Context>[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: options.server === 'subgraph' ? limits.maxTokens * SUBGRAPH_TOKEN_HEADROOM : limits.maxTokens },
    // graphql-armor's cost counts only literal arguments; ours is below.
    costLimit: { enabled: false },
    // Suggestions ("did you mean…") would map the schema for an attacker when introspection is off.
    blockFieldSuggestion: { enabled: options.production },
  });
  const { plugins, validationRules } = armor.protect();
  // graphql-armor ships CommonJS typings of @apollo/server; the plugin objects are the same at run time.
  return { plugins: [...(plugins as unknown as ApolloServerPlugin<Context>[]), operationCostPlugin<Context>(limits.maxCost)], validationRules };
}

function operationCostPlugin<Context extends BaseContext>(maxCost: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const operation = getOperationAST(document, operationName);
          // Variables that do not coerce: execution refuses them with its own clear message.
          if (!operation || getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}).errors) return;
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: operationName ?? undefined,
              estimators: [operationCostEstimator],
            });
          } catch (error) {
            // Past the estimator's node budget (fragments spread over and over): too large to weigh, so too large to run.
            throw new BadUserInputError(`this operation is too large to evaluate its cost (MAX_QUERY_COST); ${(error as Error).message}`, {
              extensions: { ...HTTP_BAD_REQUEST, limit: 'MAX_QUERY_COST' },
            });
          }
          if (cost > maxCost) {
            throw new BadUserInputError(
              `this operation may return up to ${cost.toLocaleString('en')} objects, over the limit of ${maxCost.toLocaleString('en')} ` +
                '(MAX_QUERY_COST); ask for smaller pages (first), fewer subjects or fewer fields',
              { extensions: { ...HTTP_BAD_REQUEST, limit: 'MAX_QUERY_COST', cost, maxCost } },
            );
          }
        },
      };
    },
  };
}
