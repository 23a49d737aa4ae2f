import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, developmentSecret } from '@trialgraph/auth';
import { appEntry, TEST_JWT_SECRET } from '@trialgraph/testing';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'tg-token-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function token(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [appEntry('cli'), 'token', ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr };
}

describe('`npm run token`', () => {
  it('mints a token with the roles, studies and sites asked for, signed with JWT_SECRET', async () => {
    const run = token(['--role', 'COORDINATOR', '--study', 'study-1', '--site', 'site-1', '--subject', 'nurse.jane'], { JWT_SECRET: TEST_JWT_SECRET });
    expect(run.status).toBe(0);
    const identity = await createTokenVerifier({ secret: TEST_JWT_SECRET })(`Bearer ${run.stdout}`);
    expect(identity).toEqual({ userId: 'nurse.jane', roles: ['COORDINATOR'], studies: ['study-1'], sites: ['site-1'] });
  });

  it('signs with the development secret of `npm start` when no key is configured', async () => {
    const run = token(['--role', 'ADMIN']);
    expect(run.status).toBe(0);
    const identity = await createTokenVerifier({ secret: developmentSecret(dataDir) })(`Bearer ${run.stdout}`);
    expect(identity.roles).toEqual(['ADMIN']);
  });

  it('refuses an unknown role, and a site-scoped role without a site, saying what to pass', () => {
    const unknown = token(['--role', 'NURSE']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/--role must be one of ADMIN, INVESTIGATOR, COORDINATOR, MONITOR, PARTNER; got NURSE/);
    const siteless = token(['--role', 'COORDINATOR', '--study', 'study-1']);
    expect(siteless.status).toBe(1);
    expect(siteless.stderr).toMatch(/pass --site <id>/);
    expect(siteless.stdout).toBe('');
  });
});

describe('starting without a key', () => {
  it.each(['gateway', 'subjects', 'vitals'] as const)('%s refuses to start in production and says why', (app) => {
    const run = spawnSync(process.execPath, [appEntry(app)], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '1', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain('JWT_SECRET or JWKS_URL must be set in production');
  });
});
