import type { GraphqlResponse } from './graphql-client.js';

/** One call and how it ended: an answer (whatever its errors), or no answer at all. */
export interface TimedGraphqlOutcome<Data = Record<string, any>> {
  /** Epoch milliseconds when the request was sent. */
  startedAt: number;
  /** Until the answer was read, or the call failed. */
  ms: number;
  response?: GraphqlResponse<Data>;
  /** Why there is no GraphQL answer: refused connection, reset, not JSON, or no answer within `timeoutMs`. */
  failure?: string;
}

/**
 * A GraphQL call over HTTP that never hangs the test: it gives up after `timeoutMs` and says
 * so, and reports how long it took, for assertions on how fast a fault is answered.
 */
export async function timedGraphqlRequest<Data = Record<string, any>>(
  url: string,
  request: { query: string; variables?: Record<string, unknown>; headers?: Record<string, string>; timeoutMs: number },
): Promise<TimedGraphqlOutcome<Data>> {
  const startedAt = Date.now();
  const ended = (outcome: Pick<TimedGraphqlOutcome<Data>, 'response' | 'failure'>) => ({ startedAt, ms: Date.now() - startedAt, ...outcome });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    try {
      return ended({ response: { status: response.status, ...(JSON.parse(text) as Omit<GraphqlResponse<Data>, 'status'>) } });
    } catch {
      return ended({ failure: `HTTP ${response.status} without a GraphQL answer: ${text.slice(0, 200)}` });
    }
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return ended({ failure: `no answer within ${request.timeoutMs} ms` });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return ended({ failure: `no answer: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}` });
  }
}
