import type { ListedToken } from './token-ownership.js';

/**
 * The names the catalogue may give SCIM's permission group: the API's is "SCIM Provisioning" (the
 * Cloudflare provider's accepted permissions), the dashboard says "SCIM Provisioning: Edit", and
 * the API writes "Edit" as "Write" for every other group.
 */
export const SCIM_GROUP_NAMES = ['SCIM Provisioning', 'SCIM Provisioning Write', 'SCIM Provisioning Edit'];

/** Every SCIM write carries these as its `x-api-token-group` (Cloudflare's spec): either lets a token write SCIM. */
const SCIM_WRITE_GROUP_NAMES = [...SCIM_GROUP_NAMES, 'Account Settings Write', 'Account Settings Edit'];

/**
 * Pure: whether a token's policies let it write SCIM on this account, as its record reads: an allow
 * policy on the account (or every account) holding a group SCIM writes accept, and no deny of it.
 * `unknown` where a group of such a policy is named by id alone, which says nothing of what it allows.
 */
export function scimWriteGrant(policies: NonNullable<ListedToken['policies']>, accountId: string): 'granted' | 'not granted' | 'unknown' {
  const onAccount = policies.filter((p) =>
    Object.keys(p.resources).some((key) => key === `com.cloudflare.api.account.${accountId}` || key === 'com.cloudflare.api.account.*'),
  );
  if (onAccount.some((p) => p.permission_groups.some((g) => g.name === undefined))) return 'unknown';
  const writes = (p: (typeof policies)[number]) => p.permission_groups.some((g) => SCIM_WRITE_GROUP_NAMES.includes(g.name ?? ''));
  const allowed = onAccount.some((p) => p.effect === 'allow' && writes(p));
  const denied = onAccount.some((p) => p.effect === 'deny' && writes(p));
  return allowed && !denied ? 'granted' : 'not granted';
}
