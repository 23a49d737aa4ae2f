import { writeFileSync } from 'node:fs';
import { composeApiSchema, composeSupergraph, schemaDirectory } from './compose-supergraph.js';

/**
 * `npm run compose`: rewrites schema/supergraph.graphql (what the gateway serves) and
 * schema/api.graphql (what clients see, for codegen) after a subgraph SDL changed.
 */
for (const [file, sdl] of [
  ['supergraph.graphql', composeSupergraph()],
  ['api.graphql', composeApiSchema()],
] as const) {
  const target = new URL(file, schemaDirectory);
  writeFileSync(target, sdl);
  process.stdout.write(`wrote ${target.pathname}\n`);
}
