import { adminHeaders, createTestDatabase, graphqlUrl, startApp, startAppStack, type AppProcess, type AppStack, type TestDatabase } from '@trialgraph/testing';
import { auditServer, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The GraphQL over HTTP conformance audit of the graphql-http package, run against each real
 * process as a client sees it (signed in: every request needs a token). Every MUST and every
 * SHOULD passes, but for the deliberate exceptions below, which the README lists too.
 */
const PRODUCTION_EXCEPTIONS: Record<string, string> = {
  // These three ask for __type, and production turns introspection off.
  BF61: 'introspection is off in production',
  '28B9': 'introspection is off in production',
  '2EA1': 'introspection is off in production',
};

describe('GraphQL over HTTP conformance (graphql-http audit, real processes)', () => {
  let subjectsDatabase: TestDatabase;
  let vitalsDatabase: TestDatabase;
  let stack: AppStack;
  let productionGateway: AppProcess | undefined;
  let authorization: string;

  beforeAll(async () => {
    authorization = (await adminHeaders()).authorization;
    [subjectsDatabase, vitalsDatabase] = await Promise.all([createTestDatabase('tg_audit_s'), createTestDatabase('tg_audit_v')]);
    stack = await startAppStack({
      env: { LOG_LEVEL: 'warn' },
      subjects: { SUBJECTS_DATABASE_URL: subjectsDatabase.url },
      vitals: { VITALS_DATABASE_URL: vitalsDatabase.url },
    });
    productionGateway = await startApp('gateway', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SUBJECTS_URL: graphqlUrl(stack.subjects),
      VITALS_URL: graphqlUrl(stack.vitals),
    });
  });

  afterAll(async () => {
    await productionGateway?.stop();
    await stack?.stop();
    await Promise.all([subjectsDatabase?.drop(), vitalsDatabase?.drop()]);
  });

  /** What failed, as `"<id> <name>: <reason>"`, MUSTs and SHOULDs alike (MAYs are optional). */
  async function failuresAt(url: string, exceptions: Record<string, string> = {}): Promise<string[]> {
    const signedIn: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    };
    const results: AuditResult[] = await auditServer({ url, fetchFn: signedIn });
    expect(results.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const result of results) {
      if (result.status === 'ok' || result.name.startsWith('MAY') || exceptions[result.id]) continue;
      const reason = 'reason' in result ? result.reason : '';
      failures.push(`${result.id} ${result.name}: ${reason}`);
    }
    return failures;
  }

  async function send(url: string, query: string, accept?: string) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, ...(accept ? { accept } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: Array<{ message: string; locations?: unknown[]; extensions?: Record<string, unknown> }> };
    return { status: response.status, error: body.errors?.[0] };
  }

  it('answers a query that does not parse with 400 and its location, one over the token limit with 400 naming the limit', async () => {
    for (const accept of [undefined, 'application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9']) {
      const broken = await send(stack.gateway.url, '{ studies { code ', accept);
      expect(broken.status, accept).toBe(400);
      expect(broken.error?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(broken.error?.locations).toEqual([{ line: 1, column: 18 }]);
    }
    const tooLong = `{ ${'__typename '.repeat(5_001)}}`;
    for (const accept of [undefined, 'application/graphql-response+json']) {
      const refused = await send(stack.gateway.url, tooLong, accept);
      expect(refused.status, accept).toBe(400);
      expect(refused.error?.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', limit: 'MAX_QUERY_TOKENS' });
      expect(refused.error?.message).toMatch(/more than 5000 tokens \(MAX_QUERY_TOKENS\)/);
    }
    // A subgraph allows the planner's headroom, and refuses past it the same way.
    const atSubgraph = await send(graphqlUrl(stack.subjects), `{ ${'__typename '.repeat(10_001)}}`);
    expect(atSubgraph.status).toBe(400);
    expect(atSubgraph.error?.extensions?.limit).toBe('MAX_QUERY_TOKENS');
  });

  /** An operation over each limit of its shape or cost, and what its refusal says. */
  const overLimits: Array<[limit: string, query: string, code: string, message: RegExp]> = [
    // Over the subgraphs' allowance too, which is twice the gateway's.
    ['MAX_QUERY_TOKENS', `{ ${'__typename '.repeat(10_001)}}`, 'GRAPHQL_PARSE_FAILED', /more than \d+ tokens \(MAX_QUERY_TOKENS\)/],
    ['MAX_QUERY_DEPTH', `{ studies { sites { ${'study { sites { '.repeat(6)}id${' } }'.repeat(6)} } } }`, 'GRAPHQL_VALIDATION_FAILED', /depth/i],
    ['MAX_QUERY_ALIASES', `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: studies(first: 1) { id }`).join(' ')} }`, 'GRAPHQL_VALIDATION_FAILED', /aliases/i],
    ['MAX_QUERY_DIRECTIVES', `{ __typename ${'@include(if: true) '.repeat(51)}}`, 'GRAPHQL_VALIDATION_FAILED', /directives/i],
    ['MAX_QUERY_COST', '{ studies(first: 500) { sites { id code name } } }', 'BAD_USER_INPUT', /MAX_QUERY_COST/],
  ];

  it.each(overLimits)(
    'answers a legacy application/json client refused by %s with 200 and the error, as any request error; others with 400',
    async (_limit, query, code, message) => {
      for (const url of [stack.gateway.url, graphqlUrl(stack.subjects)]) {
        const legacy = await send(url, query, 'application/json');
        expect(legacy.status, url).toBe(200);
        expect(legacy.error?.extensions?.code, url).toBe(code);
        expect(legacy.error?.message, url).toMatch(message);
        for (const accept of [undefined, 'application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9']) {
          const modern = await send(url, query, accept);
          expect(modern.status, `${url} ${accept}`).toBe(400);
          expect(modern.error?.extensions?.code, url).toBe(code);
        }
      }
    },
  );

  it('answers a subscription with 400 and what to do instead, at the gateway and the subgraphs', async () => {
    for (const url of [stack.gateway.url, graphqlUrl(stack.subjects), graphqlUrl(stack.vitals)]) {
      const answer = await send(url, 'subscription { __typename }');
      expect(answer.status, url).toBe(400);
      expect(answer.error?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.error?.message).toMatch(/Subscriptions are not served.*poll a query instead/);
    }
  });

  it('passes every MUST and SHOULD at the gateway', async () => {
    expect(await failuresAt(stack.gateway.url)).toEqual([]);
  });

  it('passes every MUST and SHOULD at a production gateway but the audits that need introspection', async () => {
    expect(await failuresAt(productionGateway!.url, PRODUCTION_EXCEPTIONS)).toEqual([]);
    // The exceptions are exactly those: each fails in production.
    const withoutExceptions = await failuresAt(productionGateway!.url);
    expect(withoutExceptions.map((failure) => failure.split(' ')[0]).sort()).toEqual(Object.keys(PRODUCTION_EXCEPTIONS).sort());
  });

  it('passes every MUST and SHOULD at the subjects subgraph', async () => {
    expect(await failuresAt(graphqlUrl(stack.subjects))).toEqual([]);
  });

  it('passes every MUST and SHOULD at the vitals subgraph', async () => {
    expect(await failuresAt(graphqlUrl(stack.vitals))).toEqual([]);
  });
});
