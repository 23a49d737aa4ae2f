import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { OPERATIONS_TYPES_FILE } from '../codegen.js';

describe("the upload client's operation types", () => {
  it('are what codegen writes for the operations it sends and the public schema, as committed', async () => {
    const [written] = await generate(config, false);
    expect(written?.filename).toBe(OPERATIONS_TYPES_FILE);
    expect(readFileSync(OPERATIONS_TYPES_FILE, 'utf8')).toBe(written?.content);
  });
});
