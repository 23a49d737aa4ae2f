import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { GraphQLFormattedError, ParseOptions, ValidationRule } from 'graphql';
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

/** graphql-js's message for a document over `maxTokens` (its own typo included, and without it). */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th[ae]t? (\d+) tokens\. Parsing aborted\.$/;

export interface OperationLimitsHooks<Context extends BaseContext> {
  plugins: ApolloServerPlugin<Context>[];
  validationRules: ValidationRule[];
  /** Given to Apollo Server's `parseOptions`: the parser itself stops at MAX_QUERY_TOKENS. */
  parseOptions: ParseOptions;
  /** Names the limit in the parser's message for a document over it. */
  describeLimit: (formatted: GraphQLFormattedError) => GraphQLFormattedError;
}

/**
 * Bounds every operation before it runs. Tokens are counted by graphql-js's own parser
 * (`maxTokens`), so a query over the limit is a syntax error like any other: HTTP 400
 * GRAPHQL_PARSE_FAILED with its location. (graphql-armor's max-tokens plugin parses a second time
 * in a hook, where every syntax error, not only one over the limit, became an unexpected error
 * and HTTP 500.) Depth, aliases and directives are checked by graphql-armor while validating. The cost is computed once the operation is
 * known, with its variables and its arguments' defaults (graphql-query-complexity): a page
 * size or a list of subject numbers sent as a variable counts for what it is.
 */
export function createOperationLimits<Context extends BaseContext>(
  limits: OperationLimits,
  options: { server: LimitedServer; production: boolean },
): OperationLimitsHooks<Context> {
  const maxTokens = options.server === 'subgraph' ? limits.maxTokens * SUBGRAPH_TOKEN_HEADROOM : limits.maxTokens;
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { enabled: false },
    // graphql-armor's cost counts only literal arguments; ours is below.
    costLimit: { enabled: false },
    // Suggestions ("did you mean…") would map the schema for an attacker when introspection is off.
    blockFieldSuggestion: { enabled: options.production },
  });
  const { plugins, validationRules } = armor.protect();
  // graphql-armor ships CommonJS typings of @apollo/server; the plugin objects are the same at run time.
  return {
    plugins: [...(plugins as unknown as ApolloServerPlugin<Context>[]), operationCostPlugin<Context>(limits.maxCost)],
    validationRules,
    parseOptions: { maxLexicalTokens: maxTokens },
    describeLimit: (formatted) => {
      const over = TOKEN_LIMIT_MESSAGE.exec(formatted.message);
      if (!over) return formatted;
      return {
        ...formatted,
        message: `Syntax Error: the query has more than ${over[1]} tokens (MAX_QUERY_TOKENS); send a smaller query`,
        extensions: { ...formatted.extensions, limit: 'MAX_QUERY_TOKENS' },
      };
    },
  };
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
              extensions: { limit: 'MAX_QUERY_COST' },
              // Refused operations cannot be planned or executed: the code's 400 rather than 200.
              httpStatus: true,
            });
          }
          if (cost > maxCost) {
            throw new BadUserInputError(
              `this operation may return up to ${cost.toLocaleString('en')} objects, over the limit of ${maxCost.toLocaleString('en')} ` +
                '(MAX_QUERY_COST); ask for smaller pages (first), fewer subjects or fewer fields',
              { extensions: { limit: 'MAX_QUERY_COST', cost, maxCost }, httpStatus: true },
            );
          }
        },
      };
    },
  };
}
