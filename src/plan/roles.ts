/** Cloudflare user-group policies as data: which roles a policy list grants, and what to add. Pure. */

/** A policy as the user-group API takes it back: ids only. */
export interface PolicyWrite {
  id?: string;
  access: 'allow' | 'deny';
  permission_groups: Array<{ id: string }>;
  resource_groups: Array<{ id: string }>;
}

export interface PolicyRead {
  id?: string;
  access: 'allow' | 'deny';
  permission_groups?: Array<{ id: string }>;
  resource_groups?: Array<{ id: string }>;
}

export interface UserGroup {
  id: string;
  name: string;
  policies: PolicyWrite[];
}

export function toWrite(policies: PolicyRead[] | undefined): PolicyWrite[] {
  return (policies ?? []).map((p) => ({
    ...(p.id ? { id: p.id } : {}),
    access: p.access,
    permission_groups: (p.permission_groups ?? []).map((g) => ({ id: g.id })),
    resource_groups: (p.resource_groups ?? []).map((g) => ({ id: g.id })),
  }));
}

/** Role ids that an allow policy already grants on the account's resource group. */
export function grantedRoles(policies: PolicyWrite[], accountResourceGroupId: string | undefined): string[] {
  return policies
    .filter((p) => p.access === 'allow' && p.resource_groups.some((r) => r.id === accountResourceGroupId))
    .flatMap((p) => p.permission_groups.map((g) => g.id));
}

/** Pure: the policy list with the missing roles added at account scope; undefined when none is missing. */
export function withRoles(policies: PolicyWrite[], roleIds: string[], accountResourceGroupId: string): PolicyWrite[] | undefined {
  const granted = new Set(grantedRoles(policies, accountResourceGroupId));
  const missing = roleIds.filter((id) => !granted.has(id));
  if (missing.length === 0) return undefined;
  return [...policies, { access: 'allow', permission_groups: missing.map((id) => ({ id })), resource_groups: [{ id: accountResourceGroupId }] }];
}
