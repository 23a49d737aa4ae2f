import { developmentSecret, mintToken, SITE_SCOPED_ROLES, type Role } from '@trialgraph/auth';
import { loadCliConfig } from '../config.js';

export interface TokenRequest {
  roles: Role[];
  studies: string[];
  sites: string[];
  subject?: string;
  expiresIn: string;
}

/**
 * Signs a token with the key the local processes verify with: JWT_SECRET when set, else the
 * development secret under DATA_DIR that `trialgraph start` uses. An asymmetric issuer
 * (JWKS_URL) mints its own tokens; this command cannot.
 */
export async function mintDevToken(request: TokenRequest): Promise<string> {
  const config = loadCliConfig();
  if (!config.JWT_SECRET && config.JWKS_URL) {
    throw new Error('JWKS_URL is set: tokens come from your identity provider, not from this command');
  }
  const secret = config.JWT_SECRET ?? developmentSecret(config.DATA_DIR);
  const subject = request.subject ?? `dev-${request.roles.join('-').toLowerCase()}`;
  // The services refuse a token that lives longer than JWT_MAX_TTL_MS: better said now than at the first request.
  return mintToken(
    { subject, roles: request.roles, studies: request.studies, sites: request.sites },
    {
      secret,
      expiresIn: request.expiresIn,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      maxLifetimeSeconds: Math.floor(config.JWT_MAX_TTL_MS / 1000),
    },
  );
}

/** Site-scoped roles need sites; every role but ADMIN needs studies to act in. */
export function missingScope(request: TokenRequest): string | null {
  if (request.roles.includes('ADMIN')) return null;
  if (request.roles.some((role) => SITE_SCOPED_ROLES.includes(role)) && request.sites.length === 0) {
    return `${request.roles.join(', ')} acts only at its sites: pass --site <id>`;
  }
  if (request.studies.length === 0) return 'pass --study <id> (or --site, whose study is then looked up)';
  return null;
}
