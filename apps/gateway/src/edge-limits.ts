import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';

export interface EdgeLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
}

/**
 * Refuses abusive operations at the gateway, before any subgraph is called. The limits sit well
 * above what the product's own screens need (a subject page with vitals is depth 6, cost ~300)
 * and far below what would hurt a subgraph. Field suggestions ("did you mean…") are withheld in
 * production, where they would map the schema for an attacker with introspection off.
 */
export function createEdgeProtection(limits: EdgeLimits, production: boolean): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    costLimit: { maxCost: limits.maxCost },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  // graphql-armor ships CommonJS typings of @apollo/server; the plugin objects are the same at run time.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules };
}
