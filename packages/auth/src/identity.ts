import type { JWTPayload } from 'jose';
import { isRole, type Role } from './roles.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function identityFromClaims(payload: JWTPayload): Identity {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new InvalidClaimsError('the token has no "sub" claim');
  const roles = stringList(payload.roles, 'roles');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new InvalidClaimsError(`the token names unknown roles: ${unknown.join(', ')}`);
  if (roles.length === 0) throw new InvalidClaimsError('the token has no roles');
  return { userId: payload.sub, roles: roles as Role[], studies: idList(payload.studies, 'studies'), sites: idList(payload.sites, 'sites') };
}

function stringList(value: unknown, claim: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidClaimsError(`the "${claim}" claim must be an array of strings`);
  }
  return value;
}

/** Study and site ids are UUIDs: a wildcard such as "*" grants nothing and is refused, not passed to SQL. */
function idList(value: unknown, claim: string): string[] {
  const ids = stringList(value, claim);
  const bad = ids.findIndex((id) => !UUID.test(id));
  if (bad !== -1) throw new InvalidClaimsError(`the "${claim}" claim must list ids (UUIDs); entry ${bad + 1} is not one`);
  return ids.map((id) => id.toLowerCase());
}

/** The service itself, for work no user asked for (seeding demo data); audited as "system". */
export const SYSTEM_IDENTITY: Identity = Object.freeze({ userId: 'system', roles: ['ADMIN'] as const, studies: [], sites: [] });
