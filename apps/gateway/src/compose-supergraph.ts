import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildASTSchema, parse, printSchema } from 'graphql';

/** The subgraphs in the supergraph, with the address each answers on by default. */
export const SUBGRAPHS = [
  { name: 'subjects', file: 'subjects.graphql', url: 'http://localhost:4001/graphql' },
  { name: 'vitals', file: 'vitals.graphql', url: 'http://localhost:4002/graphql' },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const schemaDirectory = new URL('../../../schema/', import.meta.url);

/**
 * Composes `schema/*.graphql` into the supergraph the gateway serves, with Apollo's own
 * composition library (what rover runs), so the result is the same without a binary download.
 */
export function composeSupergraph(directory: URL = schemaDirectory): string {
  return composeSchemas(directory).supergraph;
}

/**
 * The client-facing schema of the supergraph, printed as plain SDL: what introspection at the
 * gateway answers, without federation's directives, join types or `_entities`/`_service`. It
 * is `schema/api.graphql`, for frontend codegen where introspection is off (production).
 */
export function composeApiSchema(directory: URL = schemaDirectory): string {
  return composeSchemas(directory).api;
}

function composeSchemas(directory: URL): { supergraph: string; api: string } {
  const services = SUBGRAPHS.flatMap((subgraph) => {
    let sdl: string;
    try {
      sdl = readFileSync(new URL(subgraph.file, directory), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return [{ name: subgraph.name, url: subgraph.url, typeDefs: parse(sdl) }];
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  // Through its AST: federation's graphql-js objects may come from another copy of graphql (CommonJS).
  const api = buildASTSchema(result.schema.toAPISchema().toAST());
  return { supergraph: result.supergraphSdl, api: `${printSchema(api)}\n` };
}
