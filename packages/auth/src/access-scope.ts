import { isAdmin, siteScopeOf, type Identity } from './identity.js';

/**
 * What rows a user may read, as filters a query applies in SQL (never after it, so counts
 * and pages only ever see permitted rows). null means "no restriction".
 */
export interface AccessScope {
  studyIds: readonly string[] | null;
  siteIds: readonly string[] | null;
}

export function accessScopeOf(identity: Identity): AccessScope {
  return { studyIds: isAdmin(identity) ? null : identity.studies, siteIds: siteScopeOf(identity) };
}

export function studyInScope(scope: AccessScope, studyId: string): boolean {
  return scope.studyIds === null || scope.studyIds.includes(studyId);
}

export function rowInScope(scope: AccessScope, row: { studyId: string; siteId: string }): boolean {
  return studyInScope(scope, row.studyId) && (scope.siteIds === null || scope.siteIds.includes(row.siteId));
}

/** The sites a query may return: those asked for, narrowed to the scope; [] when none is allowed. */
export function narrowSites(scope: AccessScope, asked: readonly string[] | undefined): readonly string[] | undefined {
  if (scope.siteIds === null) return asked;
  if (asked === undefined) return scope.siteIds;
  return asked.filter((siteId) => scope.siteIds!.includes(siteId));
}
