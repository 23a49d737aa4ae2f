import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeResolvers } from '@graphql-tools/merge';
import { controlCharacterMiddleware, DateTime } from '@trialgraph/graphql-kit';
import { parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { auditResolvers } from './audit/resolvers.js';
import { nodeResolvers } from './nodes/resolvers.js';
import { subjectsPermissions } from './permissions.js';
import { studyResolvers } from './studies/resolvers.js';
import { subjectResolvers } from './subjects/resolvers.js';

const typeDefs = parse(readFileSync(new URL('../../../schema/subjects.graphql', import.meta.url), 'utf8'));

/** The subgraph schema: the SDL contract, its resolvers and the permissions in front of them. No I/O besides reading the SDL once. */
export function buildSubjectsSchema(): GraphQLSchema {
  const resolvers = mergeResolvers<unknown, Resolvers>([{ DateTime }, studyResolvers, subjectResolvers, auditResolvers, nodeResolvers]);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  return applyMiddleware(schema, subjectsPermissions(schema), controlCharacterMiddleware(schema));
}
