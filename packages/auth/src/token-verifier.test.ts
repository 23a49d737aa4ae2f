import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from './mint-token.js';
import { AuthenticationError, createTokenVerifier } from './token-verifier.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const STUDY = '5d6f7c43-94a5-4d0e-9d7e-0d7b1c3c7a01';
const SITE = 'a0c1f3d2-6b1e-4c55-8f0e-2b7d9e1f4c02';
const claims = { subject: 'u-1', roles: ['COORDINATOR'] as const, studies: [STUDY], sites: [SITE] };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return (error as Error).message;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('createTokenVerifier with a shared secret', () => {
  const verify = createTokenVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'trialgraph' });
  const sign = (options: { secret?: string; issuer?: string; expiresIn?: string } = {}) =>
    mintToken(claims, {
      secret: options.secret ?? SECRET,
      issuer: options.issuer ?? 'https://issuer.test',
      audience: 'trialgraph',
      expiresIn: options.expiresIn,
    });

  it('returns who is calling from a valid token', async () => {
    expect(await verify(`Bearer ${await sign()}`)).toEqual({ userId: 'u-1', roles: ['COORDINATOR'], studies: [STUDY], sites: [SITE] });
  });

  it('refuses a missing header, a header without Bearer, and a malformed token', async () => {
    expect(await refusal(verify(undefined))).toMatch(/Authorization: Bearer/);
    expect(await refusal(verify(`Basic ${await sign()}`))).toMatch(/Bearer <token>/);
    expect(await refusal(verify('Bearer not.a.jwt'))).toMatch(/malformed|could not be verified/);
  });

  it('refuses an expired token, but tolerates a little clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer('https://issuer.test')
      .setAudience('trialgraph')
      .setExpirationTime(now - 120)
      .sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verify(`Bearer ${expired}`))).toMatch(/expired/);
    const justExpired = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer('https://issuer.test')
      .setAudience('trialgraph')
      .setExpirationTime(now - 5)
      .sign(new TextEncoder().encode(SECRET));
    await expect(verify(`Bearer ${justExpired}`)).resolves.toMatchObject({ userId: 'u' });
  });

  const signed = (build: (jwt: SignJWT) => SignJWT, payload: Record<string, unknown> = { roles: ['ADMIN'] }) =>
    build(new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer('https://issuer.test').setAudience('trialgraph')).sign(
      new TextEncoder().encode(SECRET),
    );
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a token without exp, which would never expire', async () => {
    expect(await refusal(verify(`Bearer ${await signed((jwt) => jwt.setIssuedAt())}`))).toBe(
      'the token has no "exp" claim; this service accepts only tokens that expire',
    );
  });

  it('refuses a token living longer than the maximum lifetime (24 h by default), and accepts one just within it', async () => {
    const year9999 = await signed((jwt) => jwt.setIssuedAt().setExpirationTime(Date.UTC(9999, 0, 1) / 1000));
    expect(await refusal(verify(`Bearer ${year9999}`))).toMatch(/longer than the 1 d this service accepts \(JWT_MAX_TTL_MS\)/);
    const thirtyDays = await signed((jwt) => jwt.setIssuedAt().setExpirationTime('30d'));
    expect(await refusal(verify(`Bearer ${thirtyDays}`))).toMatch(/lives 30 d, longer than the 1 d/);
    const withoutIat = await signed((jwt) => jwt.setExpirationTime('25h'));
    expect(await refusal(verify(`Bearer ${withoutIat}`))).toMatch(/longer than the 1 d/);
    await expect(verify(`Bearer ${await signed((jwt) => jwt.setIssuedAt().setExpirationTime('24h'))}`)).resolves.toMatchObject({ userId: 'u' });
    const hourly = createTokenVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'trialgraph', maxLifetimeSeconds: 3_600 });
    expect(await refusal(hourly(`Bearer ${await signed((jwt) => jwt.setIssuedAt().setExpirationTime('2h'))}`))).toMatch(/lives 2 h, longer than the 1 h/);
  });

  it('refuses a token issued in the future beyond the clock skew, and tolerates the skew', async () => {
    const yearAhead = await signed((jwt) => jwt.setIssuedAt(now() + 365 * 86_400).setExpirationTime(now() + 365 * 86_400 + 3_600));
    expect(await refusal(verify(`Bearer ${yearAhead}`))).toMatch(/issued in the future \("iat"\)/);
    const skewed = await signed((jwt) => jwt.setIssuedAt(now() + 10).setExpirationTime('1h'));
    await expect(verify(`Bearer ${skewed}`)).resolves.toMatchObject({ userId: 'u' });
  });

  it('refuses study and site claims that are not ids, such as a wildcard', async () => {
    const star = await signed((jwt) => jwt.setIssuedAt().setExpirationTime('1h'), { roles: ['MONITOR'], studies: ['*'] });
    expect(await refusal(verify(`Bearer ${star}`))).toBe('the token is not valid here: the "studies" claim must list ids (UUIDs); entry 1 is not one');
    const site = await signed((jwt) => jwt.setIssuedAt().setExpirationTime('1h'), { roles: ['COORDINATOR'], studies: [STUDY], sites: [SITE, 'S01'] });
    expect(await refusal(verify(`Bearer ${site}`))).toMatch(/"sites" claim must list ids \(UUIDs\); entry 2 is not one/);
  });

  it('refuses a token that is not valid yet', async () => {
    const future = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer('https://issuer.test')
      .setAudience('trialgraph')
      .setNotBefore(Math.floor(Date.now() / 1000) + 600)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verify(`Bearer ${future}`))).toMatch(/not issued for this service \(nbf\)/);
  });

  it('refuses alg none, a wrong secret, another issuer and unknown roles', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', roles: ['ADMIN'], iss: 'https://issuer.test', aud: 'trialgraph', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    await refusal(verify(`Bearer ${unsigned}`));
    expect(await refusal(verify(`Bearer ${await sign({ secret: 'another-secret-that-is-long-enough-too' })}`))).toMatch(/signature/);
    expect(await refusal(verify(`Bearer ${await sign({ issuer: 'https://elsewhere.test' })}`))).toMatch(/iss/);
    const stranger = await new SignJWT({ roles: ['SUPERUSER'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer('https://issuer.test')
      .setAudience('trialgraph')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verify(`Bearer ${stranger}`))).toMatch(/unknown roles: SUPERUSER/);
  });
});

describe('createTokenVerifier with a JWKS endpoint', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a token signed by the published key, and refuses an HS256 token', async () => {
    const verify = createTokenVerifier({ jwksUrl });
    const token = await new SignJWT({ roles: ['MONITOR'], studies: [STUDY] })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setSubject('m-1')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ userId: 'm-1', roles: ['MONITOR'] });
    const symmetric = await mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: SECRET });
    expect(await refusal(verify(`Bearer ${symmetric}`))).toMatch(/algorithm|signature|verified/);
  });
});
