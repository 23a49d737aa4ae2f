import { OperationTypeNode, type ValidationRule } from 'graphql';
import { graphql } from './graphql-commonjs.js';

const { GraphQLError } = graphql;

/**
 * Refuses a subscription operation while validating, so it gets HTTP 400 and a message saying
 * what to do instead. Without it a subscription passes validation (graphql-js only fails it when
 * executing) and the gateway's query planner, which does not federate subscriptions, fails with
 * an internal error.
 */
export const NoSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== OperationTypeNode.SUBSCRIPTION) return;
    context.reportError(
      new GraphQLError(
        'Subscriptions are not served: this API answers queries and mutations over HTTP only; poll a query instead (for an import, vitalsImport(id))',
        { nodes: node },
      ),
    );
  },
});
