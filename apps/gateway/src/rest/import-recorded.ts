import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const FIRST_WAIT_MS = 20;
const LONGEST_WAIT_MS = 500;

/**
 * Resolves once vitals has recorded the import `importId` (vitalsImport(id) answers it to the
 * caller, who may always read what they sent), asking vitals itself with the caller's token:
 * asking through the gateway would spend the caller's read budget on the gateway's own polling.
 * Keeps asking, sooner at first, until `signal` aborts; an answer that fails counts as "not yet".
 */
export async function importRecorded(options: {
  vitalsUrl: string;
  importId: string;
  authorization: string | undefined;
  requestId: string;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<void> {
  for (let waitMs = FIRST_WAIT_MS; !options.signal.aborted; waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS)) {
    try {
      const answer = await request(options.vitalsUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': options.requestId,
          ...(options.authorization ? { authorization: options.authorization } : {}),
        },
        body: JSON.stringify({ query: 'query ImportRecorded($id: ID!) { vitalsImport(id: $id) { id } }', variables: { id: options.importId } }),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: options.signal,
      });
      const body = (await answer.body.json()) as { data?: { vitalsImport?: { id: string } | null } | null };
      if (body.data?.vitalsImport?.id === options.importId) return;
    } catch {
      // Not recorded as far as we can tell: ask again, until the import's own answer settles it.
    }
    await sleep(waitMs, undefined, { signal: options.signal }).catch(() => {});
  }
}
