import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeOptionsOf } from '@trialgraph/config';
import { loadCliConfig } from '../config.js';
import { mintDevToken } from './mint-dev-token.js';

const appEntry = (app: string) => fileURLToPath(new URL(`../../../${app}/dist/main.js`, import.meta.url));

/** The order matters: the gateway comes last so its first requests find the subgraphs up. */
export interface StackPorts {
  gatewayPort: number;
  subjectsPort: number;
  vitalsPort: number;
}

function appsOf(ports: StackPorts) {
  return [
    { name: 'subjects', env: { PORT: String(ports.subjectsPort), SEED_DEMO_DATA: 'true' } },
    { name: 'vitals', env: { PORT: String(ports.vitalsPort), SUBJECTS_URL: `http://127.0.0.1:${ports.subjectsPort}/graphql` } },
    {
      name: 'gateway',
      env: {
        PORT: String(ports.gatewayPort),
        SUBJECTS_URL: `http://127.0.0.1:${ports.subjectsPort}/graphql`,
        VITALS_URL: `http://127.0.0.1:${ports.vitalsPort}/graphql`,
      },
    },
  ];
}

/**
 * `trialgraph start`: the whole system on one machine, on the embedded defaults unless the
 * environment says otherwise. Each app is its own process, exactly as in production.
 */
export async function startStack(options: StackPorts): Promise<void> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    // These waits only resolve, and the process ends in the callback: nothing is left to await.
    void Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))))).then(() =>
      process.exit(code),
    );
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  for (const app of appsOf(options)) {
    const entry = appEntry(app.name);
    if (!existsSync(entry)) continue;
    // Own process group: a terminal's Ctrl+C reaches only this launcher, which then stops each
    // app once with SIGTERM, instead of every app getting two signals and skipping its drain.
    const child = spawn(process.execPath, [...nodeOptionsOf(entry), entry], { env: { ...process.env, ...app.env }, stdio: 'inherit', detached: true });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`\n${app.name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.\n`);
        stopAll(1);
      }
    });
    children.push(child);
  }

  const url = `http://localhost:${options.gatewayPort}/`;
  process.stdout.write('  Waiting for the gateway and the subgraphs to be ready…\n');
  await waitUntilReady(new URL('/readyz', `http://127.0.0.1:${options.gatewayPort}/`), 120_000);
  process.stdout.write(
    [
      '',
      '  trialgraph is up.',
      `  Apollo Sandbox: ${url}`,
      `  Try:  { studies { code name sites { code name } } }`,
      ...(await developmentTokenLines(`http://127.0.0.1:${options.gatewayPort}/`)),
      '  Stop with Ctrl+C.',
      '',
    ].join('\n') + '\n',
  );
}

const DEV_TOKEN_LIFETIME = '12h';

/**
 * Without a configured key every process verifies with the development secret under
 * DATA_DIR; print a ready token per role for the demo study, so each role can be tried.
 */
async function developmentTokenLines(gatewayUrl: string): Promise<string[]> {
  const config = loadCliConfig();
  if (config.JWT_SECRET || config.JWKS_URL) return ['  Tokens: signed by your JWT_SECRET / identity provider (`npm run token` mints one from JWT_SECRET).'];
  // Within the services' longest accepted lifetime (JWT_MAX_TTL_MS, 24 h by default).
  const admin = await mintDevToken({ roles: ['ADMIN'], studies: [], sites: [], subject: 'dev-admin', expiresIn: DEV_TOKEN_LIFETIME });
  const lines = ['', '  !! DEVELOPMENT KEY: tokens are signed with a secret generated under DATA_DIR. Never use it in production. !!'];
  lines.push('  Sandbox is already signed in as ADMIN. Paste another token as the header  Authorization: Bearer <token>', '');
  lines.push(`  ADMIN         ${admin}`);
  try {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: '{ studies { id code sites { id code } } }' }),
    });
    const study = ((await response.json()) as { data?: { studies: Array<{ id: string; code: string; sites: Array<{ id: string; code: string }> }> } }).data
      ?.studies[0];
    const site = study?.sites[0];
    if (study && site) {
      const scoped = { studies: [study.id], sites: [site.id], expiresIn: DEV_TOKEN_LIFETIME };
      for (const role of ['INVESTIGATOR', 'COORDINATOR'] as const) {
        lines.push(`  ${role.padEnd(13)} ${await mintDevToken({ ...scoped, roles: [role] })}   (site ${site.code} of ${study.code})`);
      }
      for (const role of ['MONITOR', 'PARTNER'] as const) {
        lines.push(`  ${role.padEnd(13)} ${await mintDevToken({ ...scoped, sites: [], roles: [role] })}   (study ${study.code})`);
      }
    }
  } catch {
    // The admin token alone still lets a newcomer in.
  }
  lines.push('', '  More: npm run token -- --role COORDINATOR --site <site id>', '');
  return lines;
}

async function waitUntilReady(url: URL, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the gateway did not become ready at ${url.href} within ${timeoutMs / 1000} s`);
}
