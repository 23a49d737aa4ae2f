import { SignJWT } from 'jose';
import type { Role } from './roles.js';

export interface TokenClaims {
  subject: string;
  roles: readonly Role[];
  studies?: readonly string[];
  sites?: readonly string[];
}

/** Signs an HS256 token with the claims trialgraph reads: for development, tests and `npm run token`. */
export async function mintToken(
  claims: TokenClaims,
  options: { secret: string; expiresIn?: string; issuer?: string; audience?: string },
): Promise<string> {
  let jwt = new SignJWT({ roles: [...claims.roles], studies: [...(claims.studies ?? [])], sites: [...(claims.sites ?? [])] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
