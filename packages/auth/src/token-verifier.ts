import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { identityFromClaims, InvalidClaimsError, type Identity } from './identity.js';

export interface TokenVerifierOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** Asymmetric keys (RS256, PS256, ES256, EdDSA) from a JWKS endpoint. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Tolerated drift between this clock and the issuer's, for exp, nbf and iat. */
  clockToleranceSeconds?: number;
  /**
   * The longest lifetime a token may have (exp - iat, or exp - now without iat): a stolen
   * token, or one a mistyped expiry made eternal, stops working within it. Default 24 h.
   */
  maxLifetimeSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

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
    const token = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
    if (token === undefined) throw new AuthenticationError('the Authorization header must read "Bearer <token>"');
    const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: tolerance,
        requiredClaims: ['exp'],
      });
      checkLifetime(payload, { toleranceSeconds: tolerance, maxLifetimeSeconds: options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS });
      return identityFromClaims(payload);
    } catch (error) {
      throw new AuthenticationError(reasonOf(error), { cause: error });
    }
  };
}

/** Thrown for a token whose times jose accepts but this service does not. */
class TokenLifetimeError extends Error {}

function checkLifetime(payload: JWTPayload, limits: { toleranceSeconds: number; maxLifetimeSeconds: number }): void {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = payload as { exp: number; iat?: unknown };
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw new TokenLifetimeError('its "iat" claim is not a time');
  if (typeof iat === 'number' && iat > now + limits.toleranceSeconds) throw new TokenLifetimeError('it was issued in the future ("iat")');
  const lifetime = exp - (typeof iat === 'number' ? iat : now);
  if (lifetime > limits.maxLifetimeSeconds) {
    throw new TokenLifetimeError(
      `it lives ${describeSeconds(lifetime)}, longer than the ${describeSeconds(limits.maxLifetimeSeconds)} this service accepts (JWT_MAX_TTL_MS)`,
    );
  }
}

function describeSeconds(seconds: number): string {
  if (seconds >= 86_400 && seconds % 3_600 === 0) return seconds % 86_400 === 0 ? `${seconds / 86_400} d` : `${seconds / 3_600} h`;
  if (seconds >= 3_600) return `${Math.round(seconds / 360) / 10} h`;
  return `${seconds} s`;
}

function reasonOf(error: unknown): string {
  if (error instanceof TokenLifetimeError) return `the token is not accepted: ${error.message}; sign in again`;
  if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing' && error.claim === 'exp') {
    return 'the token has no "exp" claim; this service accepts only tokens that expire';
  }
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
