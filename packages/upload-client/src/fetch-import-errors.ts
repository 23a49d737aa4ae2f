import type { ImportErrorsQuery, ImportErrorsQueryVariables } from './__generated__/operations-types.js';
import type { ImportRowErrorResult } from './import-vitals-file.js';
import { IMPORT_ERRORS_PAGE, IMPORT_ERRORS_QUERY } from './operations.js';

/**
 * Every row error of an import after `afterLine`, page by page: the mutation's answer carries
 * the first page only, and an import keeps up to `maxErrors` of them.
 */
export async function fetchImportErrors(options: { url: string; importId: string; afterLine: number; token?: string }): Promise<ImportRowErrorResult[]> {
  const all: ImportRowErrorResult[] = [];
  // A line number is what the mutation's first page ends at; after that, the list's own cursors.
  let after = String(options.afterLine);
  for (;;) {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify({
        query: IMPORT_ERRORS_QUERY,
        variables: { id: options.importId, first: IMPORT_ERRORS_PAGE, after } satisfies ImportErrorsQueryVariables,
      }),
    });
    const body = (await response.json()) as { data?: ImportErrorsQuery | null; errors?: Array<{ message: string }> };
    const page = body.data?.vitalsImport?.errors;
    if (!page) throw new Error(`could not read the import's row errors: ${body.errors?.[0]?.message ?? `HTTP ${response.status}`}`);
    all.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return all;
    after = page.pageInfo.endCursor;
  }
}
