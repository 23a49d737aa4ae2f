import { ACCESS_POLICY, ROLES, type RightName, type Role, type ScopeKind } from '@trialgraph/auth';

/**
 * What the access matrix expects, read straight from ACCESS_POLICY's grants with a reading of
 * its own (not the scope code under test): for each caller and each target row, whether a
 * right is held at all and whether it reaches that row.
 */

/** Where a target row lies, seen from the callers: every caller acts in study A; site-scoped ones at its site A1. */
export type Target = 'own site' | 'other site' | 'other study';
export const TARGETS: readonly Target[] = ['own site', 'other site', 'other study'];

export interface MatrixCaller {
  /** e.g. "COORDINATOR+MONITOR" */
  name: string;
  roles: readonly Role[];
  /** Whether the token lists site A1 (it does when one of its roles is site-scoped). */
  listsSites: boolean;
}

const SITE_SCOPED: readonly Role[] = ['INVESTIGATOR', 'COORDINATOR'];

function caller(roles: readonly Role[]): MatrixCaller {
  return { name: roles.join('+'), roles, listsSites: roles.some((role) => SITE_SCOPED.includes(role)) };
}

/** Every role alone and every pair of roles: 5 + 10 callers. */
export const MATRIX_CALLERS: readonly MatrixCaller[] = [
  ...ROLES.map((role) => caller([role])),
  ...ROLES.flatMap((first, index) => ROLES.slice(index + 1).map((second) => caller([first, second]))),
];

function kindsOf(who: MatrixCaller, right: RightName): ScopeKind[] {
  const grants: Partial<Record<Role, ScopeKind>> = ACCESS_POLICY[right].grants;
  return who.roles.flatMap((role) => (grants[role] ? [grants[role]] : []));
}

/** Whether some role of the caller holds the right anywhere. */
export function holds(who: MatrixCaller, right: RightName): boolean {
  return kindsOf(who, right).length > 0;
}

/** Whether the right reaches a row at the target, for a row the caller did not create. */
export function reaches(who: MatrixCaller, right: RightName, target: Target): boolean {
  return kindsOf(who, right).some((kind) => {
    switch (kind) {
      case 'everywhere':
        return true;
      case 'study':
        return target !== 'other study';
      case 'site':
        return who.listsSites && target === 'own site';
      case 'listedSitesElseStudy':
        return who.listsSites ? target === 'own site' : target !== 'other study';
      case 'sentByThem':
        return false;
    }
  });
}

/** Whether the right reaches into the target's study at all (rows of it may be in scope). */
export function reachesStudyOf(who: MatrixCaller, right: RightName, target: Target): boolean {
  return kindsOf(who, right).some((kind) => kind === 'everywhere' || target !== 'other study');
}
