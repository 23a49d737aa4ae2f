import type { CodegenConfig } from '@graphql-codegen/cli';

/** Resolver types from the SDL, so a renamed field breaks the build rather than production. */
const config: CodegenConfig = {
  schema: '../../schema/subjects.graphql',
  generates: {
    './src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#SubjectsContext',
        scalars: { DateTime: 'Date | string' },
        mappers: {
          Study: '../db/schema.js#StudyRow',
          Site: '../db/schema.js#SiteRow',
          Subject: '../db/schema.js#SubjectRow',
          AuditEvent: '../db/schema.js#AuditEventRow',
        },
      },
    },
  },
  silent: true,
};

export default config;
