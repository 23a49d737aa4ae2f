/** The roles a token may carry (claim `roles`); what each may do lives in each subgraph's permissions. */
export const ROLES = ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'] as const;

export type Role = (typeof ROLES)[number];

/** Roles confined to the sites listed in their token, not to whole studies. */
export const SITE_SCOPED_ROLES: readonly Role[] = ['INVESTIGATOR', 'COORDINATOR'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
