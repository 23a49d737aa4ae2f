import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** What the README's frontend section shows: an operation written with the client preset's `graphql()`. */
const EXAMPLE = `
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { graphql } from './gql/index';

export const ImportReport = graphql(\`
  query ImportReport($id: ID!) {
    vitalsImport(id: $id) { id fileName status rowsRead rowsRejected }
  }
\`);

type Report = ResultOf<typeof ImportReport>;
export const statusOf = (report: Report): 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'INTERRUPTED' | undefined => report.vitalsImport?.status;
export const variables: VariablesOf<typeof ImportReport> = { id: 'an import id' };
// @ts-expect-error the query did not select failureReason
export const notSelected = (report: Report) => report.vitalsImport?.failureReason;
// @ts-expect-error id is required
export const missingId: VariablesOf<typeof ImportReport> = {};
`;

describe('frontend codegen from schema/api.graphql', () => {
  it('generates typed operations with the client preset, which typecheck against the schema', async () => {
    // Inside node_modules, so the generated code finds @graphql-typed-document-node/core as an app would.
    const directory = mkdtempSync(join(repository, 'node_modules', '.client-codegen-'));
    try {
      writeFileSync(join(directory, 'import-reports.ts'), EXAMPLE);
      await generate(
        {
          schema: join(repository, 'schema', 'api.graphql'),
          documents: [join(directory, '*.ts')],
          generates: { [join(directory, 'gql') + '/']: { preset: 'client' } },
          silent: true,
        },
        true,
      );
      const program = ts.createProgram([join(directory, 'import-reports.ts')], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
      });
      const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      expect(problems).toEqual([]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
