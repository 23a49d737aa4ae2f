/** The roles a token may carry (claim `roles`); what each may do is ACCESS_POLICY (access-policy.ts). */
export const ROLES = ['ADMIN', 'INVESTIGATOR', 'COORDINATOR', 'MONITOR', 'PARTNER'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
