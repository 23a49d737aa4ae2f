import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from './mint-token.js';
import { AuthenticationError, createTokenVerifier } from './token-verifier.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const claims = { subject: 'u-1', roles: ['COORDINATOR'] as const, studies: ['study-1'], sites: ['site-1'] };

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
    mintToken(claims, { secret: options.secret ?? SECRET, issuer: options.issuer ?? 'https://issuer.test', audience: 'trialgraph', expiresIn: options.expiresIn });

  it('returns who is calling from a valid token', async () => {
    expect(await verify(`Bearer ${await sign()}`)).toEqual({ userId: 'u-1', roles: ['COORDINATOR'], studies: ['study-1'], sites: ['site-1'] });
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

  it('refuses a token that is not valid yet', async () => {
    const future = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer('https://issuer.test')
      .setAudience('trialgraph')
      .setNotBefore(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verify(`Bearer ${future}`))).toMatch(/not issued for this service \(nbf\)/);
  });

  it('refuses alg none, a wrong secret, another issuer and unknown roles', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', roles: ['ADMIN'], iss: 'https://issuer.test', aud: 'trialgraph' })}.`;
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
    const token = await new SignJWT({ roles: ['MONITOR'], studies: ['s'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setSubject('m-1')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await verify(`Bearer ${token}`)).toMatchObject({ userId: 'm-1', roles: ['MONITOR'] });
    const symmetric = await mintToken({ subject: 'x', roles: ['ADMIN'] }, { secret: SECRET });
    expect(await refusal(verify(`Bearer ${symmetric}`))).toMatch(/algorithm|signature|verified/);
  });
});
