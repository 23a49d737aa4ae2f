import { UnauthenticatedError } from '@trialgraph/graphql-kit';
import type { Identity } from './identity.js';
import { AuthenticationError, type TokenVerifier } from './token-verifier.js';

/**
 * The identity of an HTTP request, or an UNAUTHENTICATED GraphQL error. Every process calls
 * this itself: a subgraph never trusts a header that merely says who the user is.
 */
export async function authenticateRequest(verify: TokenVerifier, authorization: string | string[] | undefined): Promise<Identity> {
  try {
    return await verify(Array.isArray(authorization) ? authorization[0] : authorization);
  } catch (error) {
    if (error instanceof AuthenticationError) throw new UnauthenticatedError(error.message, { cause: error });
    throw error;
  }
}
