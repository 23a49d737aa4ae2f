import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeApiSchema } from './compose-supergraph.js';

/** Every coordinate of the client-facing schema a frontend developer reads in Sandbox or codegen output, without a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const argument of field.args) check(`${type.name}.${field.name}(${argument.name}:)`, argument.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('the public schema', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    expect(undescribed(buildSchema(composeApiSchema()))).toEqual([]);
  });

  it('is checked by a test that finds a field without a description', () => {
    const schema = buildSchema('"Root." type Query { "Described." described: Int, bare(first: Int): Int }');
    expect(undescribed(schema)).toEqual(['Query.bare', 'Query.bare(first:)']);
  });
});
