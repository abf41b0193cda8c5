/** Cloudflare user-group policies as data: which roles a policy list grants, and what to add. Pure. */

/**
 * A resource group as a policy names it: by id, or inline by scope, the way Cloudflare's docs write
 * it (`{"scope": {"key": "com.cloudflare.api.account.<id>", "objects": [{"key": "*"}]}}`, read back
 * with no id: shared/reference/cloudflare-docs-examples/user-groups.excerpt.mdx).
 */
export type ResourceGroupRef = { id: string } | { scope: { key: string; objects: Array<{ key: string }> } };

/** A policy as the user-group API takes it back. */
export interface PolicyWrite {
  id?: string;
  access: 'allow' | 'deny';
  permission_groups: Array<{ id: string }>;
  resource_groups: ResourceGroupRef[];
}

export interface PolicyRead {
  id?: string;
  access: 'allow' | 'deny';
  permission_groups?: Array<{ id: string }>;
  resource_groups?: Array<{ id?: string; scope?: { key: string; objects?: Array<{ key: string }> } }>;
}

/** What "the whole account" is: the account's resource group by id, or any inline scope of the account with every object. */
export interface AccountScope {
  accountId: string;
  resourceGroupId?: string;
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
    resource_groups: (p.resource_groups ?? []).flatMap((g): ResourceGroupRef[] =>
      g.id ? [{ id: g.id }] : g.scope ? [{ scope: { key: g.scope.key, objects: (g.scope.objects ?? []).map((o) => ({ key: o.key })) } }] : [],
    ),
  }));
}

/** Whether a resource group is the whole account: its resource group, or the account's scope inline over every object. */
function isWholeAccount(ref: ResourceGroupRef, account: AccountScope): boolean {
  if ('id' in ref) return ref.id === account.resourceGroupId;
  return ref.scope.key === `com.cloudflare.api.account.${account.accountId}` && ref.scope.objects.some((o) => o.key === '*');
}

/** Role ids that an allow policy already grants on the whole account, however its resource group is written. */
export function grantedRoles(policies: PolicyWrite[], account: AccountScope): string[] {
  return policies
    .filter((p) => p.access === 'allow' && p.resource_groups.some((r) => isWholeAccount(r, account)))
    .flatMap((p) => p.permission_groups.map((g) => g.id));
}

/** Pure: the policy list with the missing roles added at account scope; undefined when none is missing. */
export function withRoles(policies: PolicyWrite[], roleIds: string[], account: AccountScope & { resourceGroupId: string }): PolicyWrite[] | undefined {
  const granted = new Set(grantedRoles(policies, account));
  const missing = roleIds.filter((id) => !granted.has(id));
  if (missing.length === 0) return undefined;
  return [...policies, { access: 'allow', permission_groups: missing.map((id) => ({ id })), resource_groups: [{ id: account.resourceGroupId }] }];
}
