import { createRequire } from 'node:module';

/**
 * graphql and graphql-query-complexity as Apollo's own packages load them: through CommonJS.
 * Apollo builds schemas with the CommonJS build of graphql; Node resolves an ESM import of
 * graphql to that same build, but a bundler-style resolver (vitest's, for servers started in
 * a test process) picks its ESM build, a second copy whose instanceof checks reject Apollo's
 * schema ("Cannot use GraphQLNonNull from another module or realm"). Requiring keeps one copy.
 */
const require = createRequire(import.meta.url);

export const graphql = require('graphql') as typeof import('graphql');
export const queryComplexity = require('graphql-query-complexity') as typeof import('graphql-query-complexity');
