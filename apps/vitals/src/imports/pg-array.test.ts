import { describe, expect, it } from 'vitest';
import { toArrayLiteral } from './pg-array.js';

describe('toArrayLiteral', () => {
  it('writes numbers and uuids as they are and a missing value as NULL', () => {
    expect(toArrayLiteral([72, null, 36.6, '0b9e1c7e-4a8f-4c1e-9d6a-2f0e5b7c3a11'])).toBe('{72,NULL,36.6,0b9e1c7e-4a8f-4c1e-9d6a-2f0e5b7c3a11}');
  });

  it('writes an empty batch as an empty array', () => {
    expect(toArrayLiteral([])).toBe('{}');
  });

  it('never lets a null become an empty element, which PostgreSQL would refuse', () => {
    expect(toArrayLiteral([null, null])).toBe('{NULL,NULL}');
  });
});
