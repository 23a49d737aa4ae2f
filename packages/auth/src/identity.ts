import type { JWTPayload } from 'jose';
import { isRole, SITE_SCOPED_ROLES, type Role } from './roles.js';

/** Who is calling, from the verified claims of their token. */
export interface Identity {
  userId: string;
  roles: readonly Role[];
  /** Study ids the user may act in. */
  studies: readonly string[];
  /** Site ids, for site-scoped roles. */
  sites: readonly string[];
}

/** Thrown for a token whose signature holds but whose claims do not make a user. */
export class InvalidClaimsError extends Error {}

export function identityFromClaims(payload: JWTPayload): Identity {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidClaimsError('the token has no "sub" claim');
  const roles = stringList(payload.roles, 'roles');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new InvalidClaimsError(`the token names unknown roles: ${unknown.join(', ')}`);
  if (roles.length === 0) throw new InvalidClaimsError('the token has no roles');
  return { userId: payload.sub, roles: roles as Role[], studies: stringList(payload.studies, 'studies'), sites: stringList(payload.sites, 'sites') };
}

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidClaimsError(`the "${claim}" claim must be an array of strings`);
  }
  return value;
}

export function hasRole(identity: Identity, ...roles: Role[]): boolean {
  return identity.roles.some((role) => roles.includes(role));
}

export function isAdmin(identity: Identity): boolean {
  return identity.roles.includes('ADMIN');
}

/**
 * The sites a user is confined to, or null when they see every site of their studies.
 * A user with a site-scoped role and a study-wide one (e.g. COORDINATOR + MONITOR) sees as
 * the wider role reads; writes are checked per role by the permissions.
 */
export function siteScopeOf(identity: Identity): readonly string[] | null {
  if (isAdmin(identity)) return null;
  const wide = identity.roles.some((role) => !SITE_SCOPED_ROLES.includes(role));
  return wide ? null : identity.sites;
}

/** The service itself, for work no user asked for (seeding demo data); audited as "system". */
export const SYSTEM_IDENTITY: Identity = Object.freeze({ userId: 'system', roles: ['ADMIN'] as const, studies: [], sites: [] });
