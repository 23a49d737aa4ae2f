import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, developmentSecret } from '@trialgraph/auth';
import { appEntry, TEST_JWT_SECRET } from '@trialgraph/testing';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'tg-token-'));
const STUDY = '5d6f7c43-94a5-4d0e-9d7e-0d7b1c3c7a01';
const SITE = 'a0c1f3d2-6b1e-4c55-8f0e-2b7d9e1f4c02';
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
    const run = token(['--role', 'COORDINATOR', '--study', STUDY, '--site', SITE, '--subject', 'nurse.jane'], { JWT_SECRET: TEST_JWT_SECRET });
    expect(run.status).toBe(0);
    const identity = await createTokenVerifier({ secret: TEST_JWT_SECRET })(`Bearer ${run.stdout}`);
    expect(identity).toEqual({ userId: 'nurse.jane', roles: ['COORDINATOR'], studies: [STUDY], sites: [SITE] });
  });

  it('mints within the lifetime the services accept, and refuses a longer --expires instead of a token they would refuse', async () => {
    const day = token(['--role', 'ADMIN', '--expires', '24h'], { JWT_SECRET: TEST_JWT_SECRET });
    expect(day.status).toBe(0);
    await expect(createTokenVerifier({ secret: TEST_JWT_SECRET })(`Bearer ${day.stdout}`)).resolves.toMatchObject({ roles: ['ADMIN'] });
    const month = token(['--role', 'ADMIN', '--expires', '30d'], { JWT_SECRET: TEST_JWT_SECRET });
    expect(month.status).toBe(1);
    expect(month.stdout).toBe('');
    expect(month.stderr).toMatch(/lifetime of 30d is longer than the 86400 s the services accept \(JWT_MAX_TTL_MS\)/);
    expect(token(['--role', 'ADMIN', '--expires', '30d'], { JWT_SECRET: TEST_JWT_SECRET, JWT_MAX_TTL_MS: String(31 * 86_400_000) }).status).toBe(0);
  });

  it('refuses a study or site that is not an id, such as a wildcard', () => {
    const star = token(['--role', 'MONITOR', '--study', '*'], { JWT_SECRET: TEST_JWT_SECRET });
    expect(star.status).toBe(1);
    expect(star.stdout).toBe('');
    expect(star.stderr).toMatch(/"studies" claim must list ids \(UUIDs\)/);
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
    const siteless = token(['--role', 'COORDINATOR', '--study', STUDY]);
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

  it.each(['gateway', 'subjects', 'vitals'] as const)(
    '%s refuses to start in production without JWT_ISSUER and JWT_AUDIENCE, naming them',
    (app) => {
      const run = spawnSync(process.execPath, [appEntry(app)], {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: dataDir, PORT: '1', LOG_LEVEL: 'info' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stdout + run.stderr).toContain('JWT_ISSUER must be set in production');
      expect(run.stdout + run.stderr).toContain('JWT_AUDIENCE must be set in production');
      expect(run.stdout + run.stderr).not.toContain(TEST_JWT_SECRET);
    },
    90_000,
  );
});
