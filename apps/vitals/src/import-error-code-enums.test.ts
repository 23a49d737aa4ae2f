import { readFileSync } from 'node:fs';
import { IMPORT_ERROR_CODES, IMPORT_FAILURE_CODES, IMPORT_ROW_ERROR_CODES } from '@trialgraph/csv';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';

const sdl = parse(readFileSync(new URL('../../../schema/vitals.graphql', import.meta.url), 'utf8'));

/** Each value of the SDL enum with its description, in SDL order. */
function enumValues(name: string): [string, string | undefined][] {
  const definition = sdl.definitions.find(
    (node): node is EnumTypeDefinitionNode => node.kind === Kind.ENUM_TYPE_DEFINITION && node.name.value === name,
  );
  if (!definition) throw new Error(`schema/vitals.graphql has no enum ${name}`);
  return (definition.values ?? []).map((value) => [value.name.value, value.description?.value]);
}

describe('the import error codes of the contract', () => {
  it.each([
    ['ImportRowErrorCode', IMPORT_ROW_ERROR_CODES],
    ['ImportFailureCode', IMPORT_FAILURE_CODES],
  ] as const)('%s lists exactly the codes of IMPORT_ERROR_CODES, each described as there', (name, codes) => {
    expect(enumValues(name)).toEqual(codes.map((code) => [code, IMPORT_ERROR_CODES[code].description]));
  });
});
