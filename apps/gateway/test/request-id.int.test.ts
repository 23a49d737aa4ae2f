import { adminHeaders, authHeaders, createTestDatabase, startAppStack, type AppStack, type TestDatabase } from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Answer {
  status: number;
  requestIdHeader: string | null;
  exposed: string | null;
  errors: Array<{ message: string; extensions?: { code?: string; requestId?: string } }>;
}

const BROWSER_ORIGIN = 'http://localhost:5173';

describe('request ids a user can quote, at the gateway (real processes)', () => {
  let subjectsDatabase: TestDatabase;
  let vitalsDatabase: TestDatabase;
  let stack: AppStack;

  /** A POST as a page of this machine sends it, with what a browser script may read of the answer. */
  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { origin: BROWSER_ORIGIN, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return answerOf(response);
  }

  async function answerOf(response: Response): Promise<Answer> {
    const json = (await response.json()) as { errors?: Answer['errors'] };
    return {
      status: response.status,
      requestIdHeader: response.headers.get('x-request-id'),
      exposed: response.headers.get('access-control-expose-headers'),
      errors: json.errors ?? [],
    };
  }

  /** Every error carries the id the response's x-request-id header carries. */
  function expectQuotable(answer: Answer, code: string): void {
    expect(answer.errors.map((error) => error.extensions?.code)).toContain(code);
    expect(answer.requestIdHeader).toMatch(/\S/);
    for (const error of answer.errors) expect(error.extensions?.requestId, error.message).toBe(answer.requestIdHeader);
  }

  beforeAll(async () => {
    [subjectsDatabase, vitalsDatabase] = await Promise.all([createTestDatabase('tg_reqid_s'), createTestDatabase('tg_reqid_v')]);
    stack = await startAppStack({
      subjects: { SUBJECTS_DATABASE_URL: subjectsDatabase.url },
      vitals: { VITALS_DATABASE_URL: vitalsDatabase.url },
      gateway: { RATE_LIMIT_READS: '2', RATE_LIMIT_READS_PARTNER: '2' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([subjectsDatabase?.drop(), vitalsDatabase?.drop()]);
  });

  it('lets a browser page read the request id and Retry-After', async () => {
    const answer = await post({ query: '{ studies { code } }' }, await adminHeaders());
    expect(answer.status).toBe(200);
    const exposed = (answer.exposed ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'retry-after']));
  });

  it("puts the request id in an error a subgraph raised, and keeps the caller's own id", async () => {
    const answer = await post(
      {
        query: 'mutation($input: CreateSubjectInput!) { createSubject(input: $input) { id } }',
        variables: { input: { studyId: 'x', siteId: 'y', age: 30, sex: 'MALE' } },
      },
      { ...(await adminHeaders()), 'x-request-id': 'ticket-4711' },
    );
    expectQuotable(answer, 'BAD_USER_INPUT');
    expect(answer.errors[0]?.extensions?.requestId).toBe('ticket-4711');
  });

  it('puts it in a refused token, a validation error and a query that does not parse', async () => {
    expectQuotable(await post({ query: '{ studies { code } }' }), 'UNAUTHENTICATED');
    expectQuotable(await post({ query: '{ studies { code } }' }, { authorization: 'Bearer not-a-token' }), 'UNAUTHENTICATED');
    expectQuotable(await post({ query: '{ studies { nope } }' }, await adminHeaders()), 'GRAPHQL_VALIDATION_FAILED');
    expectQuotable(await post({ query: '{ studies { code ' }, await adminHeaders()), 'GRAPHQL_PARSE_FAILED');
    expectQuotable(await post('{"query": ', await adminHeaders()), 'BAD_REQUEST');
    // A GET is authenticated in the context, after Apollo took the request.
    const get = `${stack.gateway.url}?query=${encodeURIComponent('{ studies { code } }')}`;
    expectQuotable(await answerOf(await fetch(get, { headers: { 'apollo-require-preflight': 'true' } })), 'UNAUTHENTICATED');
    // Without a non-simple header a GET is refused as a possible CSRF, before any context.
    expectQuotable(await answerOf(await fetch(get)), 'BAD_REQUEST');
  });

  it('puts it in a refusal over the cost limit and over the rate limit', async () => {
    const costly = await post({ query: '{ studies(first: 500) { code sites { code name } } }' }, await adminHeaders());
    expectQuotable(costly, 'BAD_USER_INPUT');
    expect(costly.errors[0]?.message).toMatch(/MAX_QUERY_COST/);

    const partner = await authHeaders({ subject: 'request-id-partner', roles: ['PARTNER'], studies: ['00000000-0000-4000-8000-000000000000'] });
    let limited: Answer | undefined;
    for (let attempt = 0; attempt < 5 && !limited; attempt++) {
      const answer = await post({ query: '{ studies { code } }' }, partner);
      if (answer.status === 429) limited = answer;
    }
    expect(limited).toBeDefined();
    expectQuotable(limited!, 'RATE_LIMITED');
  });
});
