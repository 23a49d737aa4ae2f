import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeResolvers } from '@graphql-tools/merge';
import { controlCharacterMiddleware, DateTime } from '@trialgraph/graphql-kit';
import { parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { exportResolvers } from './exports/resolvers.js';
import { importResolvers } from './imports/resolvers.js';
import { vitalsPermissions } from './permissions.js';
import { vitalsResolvers } from './vitals/resolvers.js';

const typeDefs = parse(readFileSync(new URL('../../../schema/vitals.graphql', import.meta.url), 'utf8'));

/** The subgraph schema: the SDL contract, its resolvers and the permissions in front of them. No I/O besides reading the SDL once. */
export function buildVitalsSchema(): GraphQLSchema {
  const resolvers = mergeResolvers<unknown, Resolvers>([{ DateTime, Upload: GraphQLUpload }, vitalsResolvers, importResolvers, exportResolvers]);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  return applyMiddleware(schema, vitalsPermissions(schema), controlCharacterMiddleware(schema));
}
