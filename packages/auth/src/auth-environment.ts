import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { positiveMilliseconds } from '@trialgraph/config';
import { z } from 'zod';
import type { TokenVerifierOptions } from './token-verifier.js';

/** The variables every process reads to verify tokens; spread into each process's environment. */
export const authEnvironment = {
  /** HS256 shared secret, at least 32 characters. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Where to fetch the issuer's public keys (RS256/ES256/EdDSA). */
  JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  /** The longest lifetime (exp - iat) a token may have; longer ones are refused. */
  JWT_MAX_TTL_MS: positiveMilliseconds(24 * 60 * 60 * 1000),
};

export interface AuthSettings {
  JWT_SECRET?: string | undefined;
  JWKS_URL?: string | undefined;
  JWT_ISSUER?: string | undefined;
  JWT_AUDIENCE?: string | undefined;
  JWT_MAX_TTL_MS: number;
  NODE_ENV: string;
  DATA_DIR: string;
}

export const DEV_SECRET_FILE = 'dev-jwt-secret';

/**
 * The key this process verifies tokens with. Without one, development falls back to a secret
 * kept under DATA_DIR, shared by every process on the machine and by `npm run token`;
 * production refuses to start, since a generated key would lock every real user out.
 */
export function resolveVerifierOptions(settings: AuthSettings): TokenVerifierOptions & { generatedSecret: boolean } {
  const common = { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, maxLifetimeSeconds: Math.floor(settings.JWT_MAX_TTL_MS / 1000) };
  if (settings.NODE_ENV === 'production') {
    const problems = [
      ...(settings.JWT_SECRET || settings.JWKS_URL ? [] : ['JWT_SECRET or JWKS_URL must be set in production: without a key no token can be verified']),
      // Without them a token the same key signed for another service or tenant would be accepted here.
      ...(settings.JWT_ISSUER ? [] : ['JWT_ISSUER must be set in production: the issuer (iss) every token must name']),
      ...(settings.JWT_AUDIENCE ? [] : ['JWT_AUDIENCE must be set in production: the audience (aud) every token must be issued for']),
    ];
    if (problems.length > 0) throw new Error(problems.join('; '));
  }
  if (settings.JWT_SECRET) return { ...common, secret: settings.JWT_SECRET, generatedSecret: false };
  if (settings.JWKS_URL) return { ...common, jwksUrl: settings.JWKS_URL, generatedSecret: false };
  return { ...common, secret: developmentSecret(settings.DATA_DIR), generatedSecret: true };
}

/** Reads the development secret under `dataDir`, creating it on first use (first writer wins). */
export function developmentSecret(dataDir: string): string {
  const file = join(dataDir, DEV_SECRET_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** As resolveVerifierOptions, for a process's start: a missing production key ends it with a clear line. */
export function resolveVerifierOptionsOrExit(
  settings: AuthSettings,
  logger: { fatal(message: string): void; warn(message: string): void },
): ReturnType<typeof resolveVerifierOptions> {
  try {
    const options = resolveVerifierOptions(settings);
    if (options.generatedSecret) {
      logger.warn('no JWT_SECRET or JWKS_URL: verifying tokens with the DEVELOPMENT secret under DATA_DIR; never run like this in production');
    }
    return options;
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(1);
  }
}
