import { readFileSync } from 'node:fs';
import { IMPORT_ERROR_CODES, IMPORT_FAILURE_CODES, IMPORT_ROW_ERROR_CODES, type ImportErrorCodeEntry } from '@trialgraph/csv';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';

const sdl = parse(readFileSync(new URL('../../../schema/vitals.graphql', import.meta.url), 'utf8'));

/** Each value of the SDL enum with its description and whether it is deprecated, in SDL order. */
function enumValues(name: string): [string, string | undefined, boolean][] {
  const definition = sdl.definitions.find((node): node is EnumTypeDefinitionNode => node.kind === Kind.ENUM_TYPE_DEFINITION && node.name.value === name);
  if (!definition) throw new Error(`schema/vitals.graphql has no enum ${name}`);
  return (definition.values ?? []).map((value) => [
    value.name.value,
    value.description?.value,
    (value.directives ?? []).some((directive) => directive.name.value === 'deprecated'),
  ]);
}

describe('the import error codes of the contract', () => {
  it.each([
    ['ImportRowErrorCode', IMPORT_ROW_ERROR_CODES],
    ['ImportFailureCode', IMPORT_FAILURE_CODES],
  ] as const)('%s lists exactly the codes of IMPORT_ERROR_CODES, each described as there, the retired ones deprecated', (name, codes) => {
    expect(enumValues(name)).toEqual(
      codes.map((code) => {
        const entry: ImportErrorCodeEntry = IMPORT_ERROR_CODES[code];
        return [code, entry.description, entry.replacedBy !== undefined];
      }),
    );
  });
});
