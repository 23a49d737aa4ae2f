import type { ImportProgressQuery, ImportProgressQueryVariables } from './__generated__/operations-types.js';
import { IMPORT_PROGRESS_QUERY } from './operations.js';

/** An import's progress as IMPORT_PROGRESS_QUERY selects it. */
export type ImportProgressResult = NonNullable<ImportProgressQuery['vitalsImport']>;

/**
 * How far an import has got, read while it runs (by the id the client chose for it): null
 * until the service has recorded it. Gives up after `timeoutMs`, like every call a client makes.
 */
export async function fetchImportProgress(options: {
  url: string;
  importId: string;
  token?: string;
  timeoutMs?: number;
}): Promise<ImportProgressResult | null> {
  const response = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify({ query: IMPORT_PROGRESS_QUERY, variables: { id: options.importId } satisfies ImportProgressQueryVariables }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const body = (await response.json()) as { data?: ImportProgressQuery | null; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`could not read the import's progress: ${body.errors.map((error) => error.message).join('; ')}`);
  return body.data?.vitalsImport ?? null;
}
