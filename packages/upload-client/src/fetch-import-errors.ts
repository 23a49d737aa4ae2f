import type { ImportRowErrorResult } from './import-vitals-file.js';

/** Row errors per request: what importVitals answers with, and the page size of the rest. */
export const IMPORT_ERRORS_PAGE = 1000;

const IMPORT_ERRORS_QUERY = `query ImportErrors($id: ID!, $first: Int, $after: String) {
  vitalsImport(id: $id) { errors(first: $first, after: $after) { line column value code message } }
}`;

/**
 * Every row error of an import after `afterLine`, page by page: the mutation's answer carries
 * the first page only, and an import keeps up to `maxErrors` of them.
 */
export async function fetchImportErrors(options: { url: string; importId: string; afterLine: number; token?: string }): Promise<ImportRowErrorResult[]> {
  const all: ImportRowErrorResult[] = [];
  let after = options.afterLine;
  for (;;) {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify({ query: IMPORT_ERRORS_QUERY, variables: { id: options.importId, first: IMPORT_ERRORS_PAGE, after: String(after) } }),
    });
    const body = (await response.json()) as { data?: { vitalsImport: { errors: ImportRowErrorResult[] } | null }; errors?: Array<{ message: string }> };
    const page = body.data?.vitalsImport?.errors;
    if (!page) throw new Error(`could not read the import's row errors: ${body.errors?.[0]?.message ?? `HTTP ${response.status}`}`);
    all.push(...page);
    if (page.length < IMPORT_ERRORS_PAGE) return all;
    const last = page.at(-1);
    if (last === undefined) return all;
    after = last.line;
  }
}
