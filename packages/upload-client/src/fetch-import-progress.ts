const IMPORT_PROGRESS_QUERY = `query ImportProgress($id: ID!) {
  vitalsImport(id: $id) { status bytesRead bytesTotal rowsRead rowsRejected }
}`;

export interface ImportProgressResult {
  status: string;
  bytesRead: number;
  bytesTotal: number | null;
  rowsRead: number;
  rowsRejected: number;
}

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
    body: JSON.stringify({ query: IMPORT_PROGRESS_QUERY, variables: { id: options.importId } }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const body = (await response.json()) as { data?: { vitalsImport: ImportProgressResult | null } | null; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`could not read the import's progress: ${body.errors.map((error) => error.message).join('; ')}`);
  return body.data?.vitalsImport ?? null;
}
