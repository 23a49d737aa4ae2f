import type { CodegenConfig } from '@graphql-codegen/cli';

/** Resolver types from the SDL, so a renamed field breaks the build rather than production. */
const config: CodegenConfig = {
  schema: '../../schema/vitals.graphql',
  generates: {
    './src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#VitalsContext',
        scalars: { DateTime: 'Date | string', Upload: "Promise<import('graphql-upload-minimal').FileUpload>" },
        mappers: {
          VitalSign: '../db/schema.js#VitalSignRow',
          VitalsImport: '../db/schema.js#VitalsImportRow',
          AuditEvent: '../db/schema.js#AuditEventRow',
          // Stored codes are text; graphql-js refuses to serialise one outside ImportRowErrorCode.
          ImportRowError: '../db/schema.js#VitalsImportErrorRow',
          Subject: '../vitals/subject-reference.js#SubjectReference',
        },
      },
    },
  },
  silent: true,
};

export default config;
