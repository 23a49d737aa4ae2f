import http from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminHeaders,
  createTestDatabase,
  graphqlRequest,
  graphqlUrl,
  startApp,
  startAppStack,
  stopAll,
  type AppProcess,
  type AppStack,
  type TestDatabase,
} from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** This machine's address on its network, which another host would connect to. */
function networkAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 address on the machine');
  return address;
}

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A GET as a browser sends it, to `address`, with the Host header it would send for `hostHeader`. */
function browserGet(address: string, port: number, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address, port, path: '/', headers: { host: hostHeader, accept: 'text/html' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
  });
}

/** The bearer token a Sandbox page starts with, if any (Apollo embeds its config URI-encoded). */
function embeddedToken(page: string): string | undefined {
  return /Bearer(?:%20| )(ey[\w-]+\.[\w-]+\.[\w-]+)/.exec(page)?.[1];
}

function claimsOf(token: string): { iat: number; exp: number; roles: string[] } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

async function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
}

describe("a development stack stays on the developer's machine (real processes)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-local-dev-'));
  const outside = networkAddress();
  let subjectsDatabase: TestDatabase;
  let vitalsDatabase: TestDatabase;
  let stack: AppStack;
  let loopbackGateway: AppProcess | undefined;
  let productionSubjects: AppProcess | undefined;
  let configuredGateway: AppProcess | undefined;

  beforeAll(async () => {
    [subjectsDatabase, vitalsDatabase] = await Promise.all([createTestDatabase('tg_localdev_s'), createTestDatabase('tg_localdev_v')]);
    // No key configured, as under `npm start`: every process verifies with the development secret under DATA_DIR.
    const developmentKey = { JWT_SECRET: '', JWT_ISSUER: '', JWT_AUDIENCE: '', DATA_DIR: dataDir, NODE_ENV: 'development' };
    stack = await startAppStack({
      env: developmentKey,
      subjects: { SUBJECTS_DATABASE_URL: subjectsDatabase.url, SEED_DEMO_DATA: 'true' },
      vitals: { VITALS_DATABASE_URL: vitalsDatabase.url },
      // Opened to the network on purpose, to show what another host gets.
      gateway: { HOST: '0.0.0.0' },
    });
    [loopbackGateway, productionSubjects, configuredGateway] = await Promise.all([
      startApp('gateway', { ...developmentKey, SUBJECTS_URL: graphqlUrl(stack.subjects), VITALS_URL: graphqlUrl(stack.vitals) }),
      startApp('subjects', { SUBJECTS_DATABASE_URL: subjectsDatabase.url, NODE_ENV: 'production' }),
      startApp('gateway', {
        ...developmentKey,
        CORS_ORIGINS: 'https://app.example.org',
        SUBJECTS_URL: graphqlUrl(stack.subjects),
        VITALS_URL: graphqlUrl(stack.vitals),
      }),
    ]);
  });

  afterAll(async () => {
    await stopAll(loopbackGateway, productionSubjects, configuredGateway);
    await stack?.stop();
    await Promise.all([subjectsDatabase?.drop(), vitalsDatabase?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only unless HOST is set, in every process', async () => {
    expect(await accepts('127.0.0.1', loopbackGateway!.port)).toBe(true);
    expect(await accepts(outside, loopbackGateway!.port)).toBe(false);
    expect(await accepts(outside, stack.subjects.port)).toBe(false);
    expect(await accepts(outside, stack.vitals.port)).toBe(false);
    // HOST=0.0.0.0 opens it to the network: the check above could tell.
    expect(await accepts(outside, stack.gateway.port)).toBe(true);
  });

  it('embeds a development token in Sandbox for this machine only, valid for at most a day', async () => {
    const port = stack.gateway.port;
    const local = await browserGet('127.0.0.1', port, `localhost:${port}`);
    expect(local.status).toBe(200);
    const token = embeddedToken(local.body);
    expect(token).toBeDefined();
    const claims = claimsOf(token!);
    expect(claims.roles).toEqual(['ADMIN']);
    expect(claims.exp - claims.iat).toBeGreaterThan(0);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(24 * 3600);
    // It works, so a first query in Sandbox just runs.
    const studies = await graphqlRequest(stack.gateway.url, '{ studies { code } }', {}, { authorization: `Bearer ${token}` });
    expect(studies.data).toEqual({ studies: [{ code: 'CARD01' }] });
    expect((await browserGet('127.0.0.1', port, `127.0.0.1:${port}`)).body).toMatch(/Bearer/);

    // Another host on the network, even claiming to be localhost: Sandbox without a token.
    const remote = await browserGet(outside, port, `localhost:${port}`);
    expect(remote.status).toBe(200);
    expect(remote.body).toContain('EmbeddedSandbox');
    expect(remote.body).not.toMatch(/Bearer/);
    // A web page on this machine calling a name it rebinds to 127.0.0.1 sends its own Host.
    const rebound = await browserGet('127.0.0.1', port, `attacker.example:${port}`);
    expect(rebound.body).not.toMatch(/Bearer/);
  });

  it('answers CORS in development for pages of this machine only, unless CORS_ORIGINS says otherwise', async () => {
    const gateway = loopbackGateway!.url;
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', `http://localhost`]) {
      expect((await preflight(gateway, origin)).headers.get('access-control-allow-origin'), origin).toBe(origin);
    }
    for (const origin of ['https://studio.apollographql.com', 'http://localhost.attacker.example', 'https://localhost:5173', 'null']) {
      expect((await preflight(gateway, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    const configured = configuredGateway!.url;
    expect((await preflight(configured, 'https://app.example.org')).headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect((await preflight(configured, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers no CORS at all at the subgraphs, which browsers never call', async () => {
    for (const subgraph of [stack.subjects, stack.vitals, productionSubjects!]) {
      const answer = await preflight(graphqlUrl(subgraph), 'http://localhost:5173');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(graphqlUrl(subgraph), {
        method: 'POST',
        headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('suggests no field names in production at a subgraph, as at the gateway', async () => {
    const production = await graphqlRequest(graphqlUrl(productionSubjects!), '{ studies { cod } }', {}, await adminHeaders());
    expect(production.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(production.errors?.[0]?.message).not.toMatch(/Did you mean/);
    // Development keeps them, which a developer wants: the check above is not vacuous.
    const port = stack.gateway.port;
    const developmentToken = embeddedToken((await browserGet('127.0.0.1', port, `localhost:${port}`)).body);
    const development = await graphqlRequest(graphqlUrl(stack.subjects), '{ studies { cod } }', {}, { authorization: `Bearer ${developmentToken}` });
    expect(development.errors?.[0]?.message).toMatch(/Did you mean "code"/);
  });
});
