export { authEnvironment, developmentSecret, DEV_SECRET_FILE, resolveVerifierOptions, resolveVerifierOptionsOrExit, type AuthSettings } from './auth-environment.js';
export { hasRole, identityFromClaims, isAdmin, siteScopeOf, SYSTEM_IDENTITY, type Identity } from './identity.js';
export { mintToken, type TokenClaims } from './mint-token.js';
export { isRole, ROLES, SITE_SCOPED_ROLES, type Role } from './roles.js';
export { AuthenticationError, createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './token-verifier.js';
export { accessScopeOf, narrowSites, rowInScope, studyInScope, type AccessScope } from './access-scope.js';
export { authenticateRequest } from './authenticate-request.js';
