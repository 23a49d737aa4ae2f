import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { IMPORT_ERRORS_QUERY, IMPORT_PROGRESS_QUERY, IMPORT_VITALS_MUTATION } from './src/operations.js';

/**
 * Result and variable types of the operations the client sends, from the strings it sends (so
 * the types cannot describe another selection) and the public schema the gateway serves.
 */
/** Where the generated types are written (committed, like the subgraphs' resolver types). */
export const OPERATIONS_TYPES_FILE = fileURLToPath(new URL('./src/__generated__/operations-types.ts', import.meta.url));

const config: CodegenConfig = {
  schema: fileURLToPath(new URL('../../schema/api.graphql', import.meta.url)),
  documents: [IMPORT_VITALS_MUTATION, IMPORT_ERRORS_QUERY, IMPORT_PROGRESS_QUERY],
  generates: {
    [OPERATIONS_TYPES_FILE]: {
      plugins: ['typescript-operations'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: true,
        // A selected field is always in the answer (null when it has no value), never left out.
        avoidOptionals: { field: true },
        scalars: { DateTime: 'string', Upload: 'null' },
      },
    },
  },
  silent: true,
};

export default config;
