import { ACCESS_POLICY, type RightName, type ScopeKind } from './access-policy.js';
import type { Identity } from './identity.js';
import { ROLES } from './roles.js';

/**
 * One part of where a right applies: rows of these studies (null: any), of these sites
 * (null: any), created by this user (null: by anyone). All three must hold.
 */
export interface ScopeArea {
  studyIds: readonly string[] | null;
  siteIds: readonly string[] | null;
  sentBy: string | null;
}

/**
 * Where a caller may exercise one right: a row is in scope when it lies in any of the areas,
 * and no area means nowhere. Queries apply it in SQL (never after, so counts and pages only
 * ever see permitted rows); see `scopeCondition` in @trialgraph/database.
 */
export interface AccessScope {
  areas: readonly ScopeArea[];
}

/** Where a row lies, as far as access is concerned. */
export interface RowLocation {
  studyId: string;
  siteId?: string | undefined;
  /** Who created it, for records scoped to their sender (import reports). */
  sentBy?: string | undefined;
}

export const NOWHERE: AccessScope = Object.freeze({ areas: [] });

function areaOf(identity: Identity, kind: ScopeKind): ScopeArea {
  switch (kind) {
    case 'everywhere':
      return { studyIds: null, siteIds: null, sentBy: null };
    case 'study':
      return { studyIds: identity.studies, siteIds: null, sentBy: null };
    case 'site':
      return { studyIds: identity.studies, siteIds: identity.sites, sentBy: null };
    case 'listedSitesElseStudy':
      return { studyIds: identity.studies, siteIds: identity.sites.length > 0 ? identity.sites : null, sentBy: null };
    case 'sentByThem':
      return { studyIds: identity.studies, siteIds: null, sentBy: identity.userId };
  }
}

/** The scope of one right for this caller: the union of what each of their roles grants, each at its own scope. */
export function scopeOf(identity: Identity, right: RightName): AccessScope {
  const grants: Partial<Record<string, ScopeKind>> = ACCESS_POLICY[right].grants;
  const areas = ROLES.filter((role) => identity.roles.includes(role)).flatMap((role) => {
    const kind = grants[role];
    return kind === undefined ? [] : [areaOf(identity, kind)];
  });
  return unionOf({ areas });
}

/** Where any of the scopes applies; an area inside another is dropped, so SQL stays short. */
export function unionOf(...scopes: AccessScope[]): AccessScope {
  const all = scopes.flatMap((scope) => scope.areas);
  const kept = all.filter(
    (area, index) => !all.some((other, otherIndex) => otherIndex !== index && covers(other, area) && (!covers(area, other) || otherIndex < index)),
  );
  return { areas: kept };
}

function covers(outer: ScopeArea, inner: ScopeArea): boolean {
  const within = (wide: readonly string[] | null, narrow: readonly string[] | null) =>
    wide === null || (narrow !== null && narrow.every((id) => wide.includes(id)));
  return within(outer.studyIds, inner.studyIds) && within(outer.siteIds, inner.siteIds) && (outer.sentBy === null || outer.sentBy === inner.sentBy);
}

export function inScope(scope: AccessScope, row: RowLocation): boolean {
  return scope.areas.some(
    (area) =>
      (area.studyIds === null || area.studyIds.includes(row.studyId)) &&
      (area.siteIds === null || (row.siteId !== undefined && area.siteIds.includes(row.siteId))) &&
      (area.sentBy === null || area.sentBy === row.sentBy),
  );
}

/** Whether the scope reaches into the study at all (some of its rows may be in scope). */
export function studyInScope(scope: AccessScope, studyId: string): boolean {
  return scope.areas.some((area) => area.studyIds === null || area.studyIds.includes(studyId));
}

/** What one request's caller may do: which rights they hold, and each right's scope. */
export interface RequestAccess {
  identity: Identity;
  /** Whether any role of the caller holds the right, anywhere. */
  holds(right: RightName): boolean;
  scope(right: RightName): AccessScope;
  /** Whether the caller may exercise the right on this row. */
  allows(right: RightName, row: RowLocation): boolean;
}

export function accessOf(identity: Identity): RequestAccess {
  const scopes = new Map<RightName, AccessScope>();
  const scope = (right: RightName) => {
    let computed = scopes.get(right);
    if (!computed) {
      computed = scopeOf(identity, right);
      scopes.set(right, computed);
    }
    return computed;
  };
  return {
    identity,
    holds: (right) => scope(right).areas.length > 0,
    scope,
    allows: (right, row) => inScope(scope(right), row),
  };
}
