import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeApiSchema, composeSupergraph, schemaDirectory } from './compose-supergraph.js';

describe('the committed supergraph', () => {
  it('matches what the subgraph SDL files compose to (run `npm run compose` after changing one)', () => {
    const committed = readFileSync(new URL('supergraph.graphql', schemaDirectory), 'utf8');
    expect(committed).toBe(composeSupergraph());
  });
});

describe('the committed client schema, schema/api.graphql', () => {
  it('matches the API schema of what the subgraph SDL files compose to (run `npm run compose` after changing one)', () => {
    const committed = readFileSync(new URL('api.graphql', schemaDirectory), 'utf8');
    expect(committed).toBe(composeApiSchema());
  });

  it('carries no federation internals', () => {
    const api = composeApiSchema();
    for (const internal of ['_entities', '_service', '_Any', 'join__', 'link__', '@link', '@key', '@shareable', '@inaccessible']) {
      expect(api, internal).not.toContain(internal);
    }
  });
});
