import { mintToken, type TokenClaims } from '@trialgraph/auth';

/** The secret every process started by a test verifies tokens with (see `startApp`). */
export const TEST_JWT_SECRET = 'trialgraph-test-secret-not-for-production-use';
/** The issuer and audience those processes require (production requires both), and test tokens carry. */
export const TEST_JWT_ISSUER = 'https://login.trialgraph.test';
export const TEST_JWT_AUDIENCE = 'trialgraph-api';

/** A signed token as a real issuer would send it, for the claims given. */
export function testToken(claims: Partial<TokenClaims> & Pick<TokenClaims, 'roles'>, options: { expiresIn?: string } = {}): Promise<string> {
  return mintToken(
    { subject: claims.subject ?? `test-${claims.roles.join('-').toLowerCase()}`, ...claims },
    { secret: TEST_JWT_SECRET, issuer: TEST_JWT_ISSUER, audience: TEST_JWT_AUDIENCE, ...options },
  );
}

/** Request headers that sign in with such a token. */
export async function authHeaders(claims: Partial<TokenClaims> & Pick<TokenClaims, 'roles'>): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await testToken(claims)}` };
}

/** An administrator: may do everything, in every study. */
export function adminHeaders(): Promise<{ authorization: string }> {
  return authHeaders({ subject: 'test-admin', roles: ['ADMIN'] });
}
