export {
  authEnvironment,
  developmentSecret,
  DEV_SECRET_FILE,
  resolveVerifierOptions,
  resolveVerifierOptionsOrExit,
  type AuthSettings,
} from './auth-environment.js';
export { identityFromClaims, SYSTEM_IDENTITY, type Identity } from './identity.js';
export { mintToken, TokenLifetimeTooLongError, type TokenClaims } from './mint-token.js';
export { isRole, ROLES, type Role } from './roles.js';
export {
  AuthenticationError,
  createTokenVerifier,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './token-verifier.js';
export {
  ACCESS_POLICY,
  RIGHT_NAMES,
  rightOpening,
  SIGNED_IN_COORDINATES,
  SITE_SCOPED_ROLES,
  type AccessRight,
  type RightName,
  type ScopeKind,
} from './access-policy.js';
export {
  accessOf,
  inScope,
  NOWHERE,
  scopeOf,
  studyInScope,
  unionOf,
  type AccessScope,
  type RequestAccess,
  type RowLocation,
  type ScopeArea,
} from './access-scope.js';
export { coordinatesClosedByPolicy, policyShield, type PolicyContext, type RowLocator } from './policy-shield.js';
export { renderAccessPolicyTable } from './render-access-policy.js';
export { authenticateRequest } from './authenticate-request.js';
export { authenticateCaller, callerContext, type CallerContext } from './caller-context.js';
