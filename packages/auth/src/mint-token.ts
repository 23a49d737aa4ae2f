import { decodeJwt, SignJWT } from 'jose';
import type { Role } from './roles.js';

export interface TokenClaims {
  subject: string;
  roles: readonly Role[];
  studies?: readonly string[];
  sites?: readonly string[];
}

/** Thrown for a requested lifetime longer than the services accept (JWT_MAX_TTL_MS). */
export class TokenLifetimeTooLongError extends Error {}

/**
 * Signs an HS256 token with the claims trialgraph reads: for development, tests and `npm run
 * token`. With `maxLifetimeSeconds`, a lifetime the services would refuse is refused here.
 */
export async function mintToken(
  claims: TokenClaims,
  options: { secret: string; expiresIn?: string; issuer?: string; audience?: string; maxLifetimeSeconds?: number },
): Promise<string> {
  let jwt = new SignJWT({ roles: [...claims.roles], studies: [...(claims.studies ?? [])], sites: [...(claims.sites ?? [])] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  const token = await jwt.sign(new TextEncoder().encode(options.secret));
  const { exp = 0, iat = 0 } = decodeJwt(token);
  if (options.maxLifetimeSeconds !== undefined && exp - iat > options.maxLifetimeSeconds) {
    throw new TokenLifetimeTooLongError(
      `a lifetime of ${options.expiresIn} is longer than the ${options.maxLifetimeSeconds} s the services accept (JWT_MAX_TTL_MS)`,
    );
  }
  return token;
}
