import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, graphqlUrl, startApp, startAppStack, stopAll, type AppProcess, type AppStack, type TestDatabase } from '@trialgraph/testing';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** This machine's address on its network, which another host would connect to. */
function networkAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 address on the machine');
  return address;
}

interface Page {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET as a browser sends it, to `address`, with the Host header it would send for `hostHeader`. */
function browserGet(address: string, port: number, path: string, hostHeader: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address, port, path, headers: { host: hostHeader, accept: 'text/html' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
  });
}

/** What the GraphiQL page hands its script: the endpoint, and the headers it starts with. */
function settingsOf(page: string): { endpoint: string; headers: Record<string, string> } {
  const json = /<script id="explorer-settings" type="application\/json">([^<]*)<\/script>/.exec(page)?.[1];
  if (json === undefined) throw new Error(`no explorer settings in the page:\n${page}`);
  return JSON.parse(json);
}

/** Every script, style sheet and other file an HTML page loads (src and href attributes). */
function referencesOf(page: string): string[] {
  return [...page.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
}

/** Files a style sheet loads (url(...)), leaving out the inline data: ones. */
function styleReferencesOf(css: string): string[] {
  return [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((match) => match[1]!).filter((url) => !url.startsWith('data:'));
}

/** Addresses of well-known CDNs, which a page for an offline network must not load from. */
const CDN_HOSTS = /cdn\.apollographql|unpkg\.com|jsdelivr|esm\.sh|cdnjs|googleapis|gstatic|skypack/;

describe('GraphiQL served by the gateway, for networks without internet (real processes)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-local-explorer-'));
  const outside = networkAddress();
  let subjectsDatabase: TestDatabase;
  let vitalsDatabase: TestDatabase;
  let stack: AppStack;
  let productionGateway: AppProcess | undefined;

  beforeAll(async () => {
    [subjectsDatabase, vitalsDatabase] = await Promise.all([createTestDatabase('tg_explorer_s'), createTestDatabase('tg_explorer_v')]);
    // No key configured, as under `npm start`: Sandbox, and now GraphiQL, start signed in as ADMIN on this machine.
    stack = await startAppStack({
      env: { JWT_SECRET: '', JWT_ISSUER: '', JWT_AUDIENCE: '', DATA_DIR: dataDir, NODE_ENV: 'development' },
      subjects: { SUBJECTS_DATABASE_URL: subjectsDatabase.url, SEED_DEMO_DATA: 'true' },
      vitals: { VITALS_DATABASE_URL: vitalsDatabase.url },
      // Opened to the network on purpose, to show what another host gets.
      gateway: { HOST: '0.0.0.0' },
    });
    productionGateway = await startApp('gateway', { NODE_ENV: 'production', SUBJECTS_URL: graphqlUrl(stack.subjects), VITALS_URL: graphqlUrl(stack.vitals) });
  });

  afterAll(async () => {
    await stopAll(productionGateway);
    await stack?.stop();
    await Promise.all([subjectsDatabase?.drop(), vitalsDatabase?.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves GraphiQL at /graphiql with every file it needs from the gateway itself, nothing from another host', async () => {
    const port = stack.gateway.port;
    const page = await browserGet('127.0.0.1', port, '/graphiql', `localhost:${port}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:\/\//);
    // A browser holds the page to the same rule: its own origin only.
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.headers['content-security-policy']).toMatch(/connect-src 'self';/);

    const references = referencesOf(page.body);
    expect(references).toEqual(expect.arrayContaining(['/graphiql/assets/explorer.js', '/graphiql/assets/explorer.css']));
    const origin = `http://127.0.0.1:${port}`;
    const fetched = new Map<string, string>();
    for (const reference of references) {
      expect(reference, 'a path on this gateway, not another host').toMatch(/^\/[^/]/);
      const response = await fetch(new URL(reference, origin));
      expect(response.status, reference).toBe(200);
      fetched.set(reference, await response.text());
    }
    const script = fetched.get('/graphiql/assets/explorer.js')!;
    const styles = fetched.get('/graphiql/assets/explorer.css')!;
    expect(script).toContain('graphiql');
    expect(script).not.toMatch(CDN_HOSTS);
    expect(styles).not.toMatch(CDN_HOSTS);
    expect(styles).not.toMatch(/@import/);
    // The editor's web workers and the files the style sheet loads (its icon font), beside the bundle.
    const besideBundle = ['editor.worker.js', 'graphql.worker.js', 'json.worker.js', ...styleReferencesOf(styles)];
    expect(besideBundle.length).toBeGreaterThan(3);
    for (const file of besideBundle) {
      expect(file, 'relative to the bundle, not another host').not.toMatch(/^[a-z]+:|^\/\//);
      const response = await fetch(new URL(file, `${origin}/graphiql/assets/explorer.css`));
      expect(response.status, file).toBe(200);
      expect(await response.text()).not.toMatch(CDN_HOSTS);
    }
    expect((await fetch(`${origin}/graphiql/assets/no-such-file.js`)).status).toBe(404);
  });

  it('starts GraphiQL with the headers Sandbox gets: the development token for this machine only', async () => {
    const port = stack.gateway.port;
    const local = settingsOf((await browserGet('127.0.0.1', port, '/graphiql', `localhost:${port}`)).body);
    expect(local.headers.Authorization).toMatch(/^Bearer ey/);
    // Another host on the network, even claiming to be localhost, and a page rebinding its own name to 127.0.0.1: no token.
    const remote = await browserGet(outside, port, '/graphiql', `localhost:${port}`);
    expect(remote.status).toBe(200);
    expect(settingsOf(remote.body).headers).toEqual({});
    expect(settingsOf((await browserGet('127.0.0.1', port, '/graphiql', `attacker.example:${port}`)).body).headers).toEqual({});
  });

  it('answers the queries GraphiQL sends, with the headers and endpoint the page gives it', async () => {
    const port = stack.gateway.port;
    const pageUrl = `http://localhost:${port}/graphiql`;
    const settings = settingsOf((await browserGet('127.0.0.1', port, '/graphiql', `localhost:${port}`)).body);
    const endpoint = new URL(settings.endpoint, pageUrl);
    const send = async (query: string) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { ...settings.headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: await response.json() };
    };
    // What GraphiQL asks first: the schema, for its docs, completion and the explorer's tree.
    const schema = await send(getIntrospectionQuery());
    expect(schema.status, JSON.stringify(schema.body)).toBe(200);
    expect(schema.body.data.__schema.queryType.name).toBe('Query');
    const studies = await send('{ studies { code } }');
    expect(studies.body).toEqual({ data: { studies: [{ code: 'CARD01' }] } });
  });

  it("links to /graphiql from Sandbox's offline message", async () => {
    const port = stack.gateway.port;
    const sandbox = await browserGet('127.0.0.1', port, '/', `localhost:${port}`);
    expect(sandbox.body).toContain('EmbeddedSandbox');
    const fallback = /<div class="fallback">([\s\S]*?)<\/div>/.exec(sandbox.body)?.[1];
    expect(fallback).toMatch(/you might be offline/);
    expect(fallback).toMatch(/<a href="\/graphiql">GraphiQL<\/a>/);
  });

  it('serves no explorer in production, like Sandbox', async () => {
    const gateway = productionGateway!.url;
    const sandbox = await fetch(gateway, { headers: { accept: 'text/html' } });
    expect(await sandbox.text()).not.toContain('EmbeddedSandbox');
    const page = await fetch(new URL('/graphiql', gateway), { headers: { accept: 'text/html' } });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(await page.text()).not.toContain('explorer.js');
    expect((await fetch(new URL('/graphiql/assets/explorer.js', gateway))).status).toBeGreaterThanOrEqual(400);
  });
});
