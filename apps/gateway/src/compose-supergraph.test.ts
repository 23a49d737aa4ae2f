import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, schemaDirectory } from './compose-supergraph.js';

describe('the committed supergraph', () => {
  it('matches what the subgraph SDL files compose to (run `npm run compose` after changing one)', () => {
    const committed = readFileSync(new URL('supergraph.graphql', schemaDirectory), 'utf8');
    expect(committed).toBe(composeSupergraph());
  });
});
