import { InputError, PendingError } from '../lib/errors.js';
import { pollUntil } from '../lib/poll.js';
import { nearMatches } from '../lib/near-matches.js';
import { toWrite, withRoles, type PolicyRead, type UserGroup } from '../plan/roles.js';
import type { ObservedRoles } from '../plan/types.js';
import type { CloudflareClient } from './client.js';

interface Envelope<T> {
  result: T;
}

/** Cloudflare's Super Administrator role: the same id in every account (scim-setup troubleshooting guide). */
export const SUPER_ADMIN_ROLE_ID = '33666b9c79b9a5273fc7344ff42f953d';

export const accountScopeKey = (accountId: string) => `com.cloudflare.api.account.${accountId}`;

/** Role names → permission group ids; an unknown name is an input error listing the valid ones. */
export async function resolveRoles(client: CloudflareClient, wanted: string[]): Promise<Record<string, string>> {
  if (wanted.length === 0) return {};
  const groups = await client.listAll<{ id: string; name: string }>(`/accounts/${client.accountId}/iam/permission_groups`, 500);
  const byName = new Map(groups.map((g) => [g.name, g.id]));
  const unknown = [...new Set(wanted)].filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    const names = groups.map((g) => g.name);
    const lines = unknown.map((n) => {
      const near = nearMatches(n, names);
      return `  - "${n}"${near.length ? `; did you mean ${near.map((x) => `"${x}"`).join(', ')}?` : ''}`;
    });
    throw new InputError(
      `Unknown Cloudflare role${unknown.length > 1 ? 's' : ''}:\n${lines.join('\n')}`,
      `Valid roles: ${names.join(', ')}. Nothing was changed.`,
    );
  }
  return Object.fromEntries(
    wanted.flatMap((n) => {
      const id = byName.get(n);
      return id === undefined ? [] : [[n, id]];
    }),
  );
}

export async function findAccountResourceGroup(client: CloudflareClient): Promise<string | undefined> {
  const groups = await client.listAll<{
    id: string;
    scope?: { key: string; objects?: Array<{ key: string }> } | Array<{ key: string; objects?: Array<{ key: string }> }>;
  }>(`/accounts/${client.accountId}/iam/resource_groups`, 500);
  const key = accountScopeKey(client.accountId);
  const whole = (s: { key: string; objects?: Array<{ key: string }> }) => s.key === key && (s.objects ?? []).some((o) => o.key === '*');
  return groups.find((g) => (Array.isArray(g.scope) ? g.scope.some(whole) : g.scope && whole(g.scope)))?.id;
}

export async function createAccountResourceGroup(client: CloudflareClient): Promise<string> {
  const r = await client.post<Envelope<{ id: string }>>(`/accounts/${client.accountId}/iam/resource_groups`, {
    name: `Account ${client.accountId}`,
    scope: { key: accountScopeKey(client.accountId), objects: [{ key: '*' }] },
  });
  return r.result.id;
}

export async function findUserGroups(client: CloudflareClient, names: string[]): Promise<Record<string, UserGroup>> {
  if (names.length === 0) return {};
  const groups = await client.listAll<{ id: string; name: string; policies?: PolicyRead[] }>(`/accounts/${client.accountId}/iam/user_groups`, 500);
  return Object.fromEntries(groups.filter((g) => names.includes(g.name)).map((g) => [g.name, { id: g.id, name: g.name, policies: toWrite(g.policies) }]));
}

/** Cloudflare's side of the wanted roles, read in parallel; undefined when no role is wanted. */
export async function observeRoles(client: CloudflareClient, groupRoles: Record<string, string[]>): Promise<ObservedRoles | undefined> {
  const groups = Object.keys(groupRoles);
  if (groups.length === 0) return undefined;
  const [roleIds, userGroups, accountResourceGroupId] = await Promise.all([
    resolveRoles(client, Object.values(groupRoles).flat()),
    findUserGroups(client, groups),
    findAccountResourceGroup(client),
  ]);
  return { roleIds, userGroups, accountResourceGroupId };
}

/**
 * Waits (within waitMs) for Okta's push to make the user group, then adds the missing roles to its
 * full policy list (PUT replaces it). Returns the account resource group used, made if missing.
 */
export async function grantRolesWhenPushed(
  client: CloudflareClient,
  group: string,
  roleIds: string[],
  options: { waitMs: number; signal: AbortSignal; progress: (text: string) => void; accountResourceGroupId?: string },
): Promise<string> {
  const rg = options.accountResourceGroupId ?? (await findAccountResourceGroup(client)) ?? (await createAccountResourceGroup(client));
  const userGroup = await pollUntil(async () => (await findUserGroups(client, [group]))[group], {
    clock: client.clock,
    waitMs: options.waitMs,
    signal: options.signal,
    waitingFor: `Okta to push "${group}" to Cloudflare (its roles wait for its user group)`,
    onWait: () => options.progress(`waiting for Okta to push "${group}" to Cloudflare`),
  });
  if (!userGroup)
    throw new PendingError(
      `Okta has not pushed "${group}" to Cloudflare yet, so its roles cannot be set.`,
      'Re-run the same command once the push has gone through (verify shows it); --wait sets how long a run waits.',
    );
  const policies = withRoles(userGroup.policies, roleIds, { accountId: client.accountId, resourceGroupId: rg });
  if (policies) await client.put(`/accounts/${client.accountId}/iam/user_groups/${userGroup.id}`, { policies });
  return rg;
}
