import { writeFileSync } from 'node:fs';
import { composeSupergraph, schemaDirectory } from './compose-supergraph.js';

/** `npm run compose`: rewrites schema/supergraph.graphql after a subgraph SDL changed. */
const target = new URL('supergraph.graphql', schemaDirectory);
writeFileSync(target, composeSupergraph());
process.stdout.write(`wrote ${target.pathname}\n`);
