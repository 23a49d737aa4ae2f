import { coordinatesClosedByPolicy } from '@trialgraph/auth';
import { describe, expect, it } from 'vitest';
import { buildVitalsSchema } from './build-schema.js';

describe('the vitals permissions', () => {
  it('come from ACCESS_POLICY for every field of the schema: none is left closed by accident', () => {
    expect(coordinatesClosedByPolicy(buildVitalsSchema())).toEqual([]);
  });
});
