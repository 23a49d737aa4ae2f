import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { identityFromClaims, InvalidClaimsError, type Identity } from './identity.js';

export interface TokenVerifierOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** Asymmetric keys (RS256, PS256, ES256, EdDSA) from a JWKS endpoint. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Tolerated drift between this clock and the issuer's, for exp and nbf. */
  clockToleranceSeconds?: number;
}

/** Why a request is refused as UNAUTHENTICATED; the message is safe to show the caller. */
export class AuthenticationError extends Error {}

export type TokenVerifier = (authorization: string | undefined) => Promise<Identity>;

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

/**
 * Verifies `Authorization: Bearer <JWT>` and returns who is calling. Only the algorithms of
 * the configured key are accepted, so `alg: none` and HS256-signed-with-a-public-key tokens
 * fail like any bad signature.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (options.secret) {
    key = new TextEncoder().encode(options.secret);
    algorithms = ['HS256'];
  } else if (options.jwksUrl) {
    key = createRemoteJWKSet(new URL(options.jwksUrl));
    algorithms = ASYMMETRIC_ALGORITHMS;
  } else {
    throw new Error('a token verifier needs JWT_SECRET or JWKS_URL');
  }
  return async (authorization) => {
    if (!authorization) throw new AuthenticationError('sign in: send "Authorization: Bearer <token>"');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('the Authorization header must read "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSeconds ?? 30,
      });
      return identityFromClaims(payload);
    } catch (error) {
      throw new AuthenticationError(reasonOf(error), { cause: error });
    }
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired: sign in again';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token was not issued for this service (${error.claim})`;
  if (error instanceof InvalidClaimsError) return `the token is not valid here: ${error.message}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this service does not accept';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return 'the token signature does not verify';
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return 'the token could not be verified';
  return 'the token is malformed';
}
