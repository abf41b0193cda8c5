import type { Action } from '../../plan/types.js';
import type { MigrateOperation, MigrateStep } from './operation.js';
import { cloudflarePaths } from '../../plan/cloudflare-paths.js';
import { oktaPaths } from '../../plan/okta-paths.js';

/** One legacy `CF-<accountID> - <Role Name>` group assigned to the app, and what replaces it. */
export interface LegacyGroup {
  id: string;
  name: string;
  role: string;
  roleId: string;
  memberIds: string[];
  memberLogins: string[];
  mapping?: { id: string; status: string };
  target: {
    name: string;
    /** The Okta group of that name, if it exists. */
    id?: string;
    memberIds: string[];
    assigned: boolean;
    mapping?: { id: string; status: string };
    /** Cloudflare's user group of that name and the roles it grants on the account. */
    userGroup?: { id: string; grantedRoleIds: string[] };
    /** Whether every legacy member is a member of the Cloudflare user group. */
    membersInCloudflare: boolean;
  };
}

/**
 * Pure: the migration off one virtual group, step by step, each saying why nobody loses access.
 * The legacy group is unassigned only once Cloudflare shows its members in the new user group
 * with the role; until then the step is held back (`manual` here means "waits for the proof").
 */
export function planMigration(appId: string, accountId: string, g: LegacyGroup): Action<MigrateOperation>[] {
  const t = g.target;
  const app = oktaPaths.app(appId);
  const keep = `members keep access: still assigned through "${g.name}"`;
  const groupId = t.id ?? '{groupId}';
  const missing = g.memberIds.filter((id) => !t.memberIds.includes(id));
  const step = (suffix: MigrateStep, kind: Action['kind'], summary: string, detail: string, request?: Action['request']): Action<MigrateOperation> => ({
    id: `migrate:${g.role}:${suffix}`,
    kind,
    resource: 'group-assignment',
    subject: t.name,
    operation: { kind: 'migrate', role: g.role, step: suffix },
    summary,
    detail,
    request,
  });
  const actions: Action<MigrateOperation>[] = [
    t.id
      ? step('group', 'noop', `Okta group "${t.name}" exists`, keep)
      : step('group', 'create', `create Okta group "${t.name}"`, keep, {
          method: 'POST',
          path: oktaPaths.groups,
          body: { profile: { name: t.name, description: `Replaces ${g.name} (scim-setup migrate)` } },
        }),
    missing.length === 0
      ? step('members', 'noop', `"${t.name}" has every member of "${g.name}"`, keep)
      : step('members', 'update', `add ${missing.length} member${missing.length > 1 ? 's' : ''} of "${g.name}" to "${t.name}"`, keep, {
          method: 'PUT',
          path: oktaPaths.groupUser(groupId, '{userId}'),
        }),
    t.assigned
      ? step('assign', 'noop', `"${t.name}" is assigned to the app`, keep)
      : step('assign', 'create', `assign "${t.name}" to the app`, `${keep}, and now through "${t.name}" too`, {
          method: 'PUT',
          path: `${app}/groups/${groupId}`,
          body: {},
        }),
    t.mapping?.status === 'ACTIVE'
      ? step('push', 'noop', `"${t.name}" is pushed to Cloudflare`, keep)
      : step('push', 'create', `push "${t.name}" to Cloudflare`, keep, {
          method: 'POST',
          path: `${app}/group-push/mappings`,
          body: { sourceGroupId: groupId, targetGroupName: t.name, status: 'ACTIVE' },
        }),
    t.userGroup?.grantedRoleIds.includes(g.roleId)
      ? step('role', 'noop', `user group "${t.name}" has ${g.role}`, keep)
      : step('role', 'update', `give user group "${t.name}" the role ${g.role} (whole account)`, `${keep}; once Okta has pushed it (waits up to --wait)`, {
          method: 'PUT',
          path: cloudflarePaths.userGroup(accountId, t.userGroup?.id),
        }),
  ];
  const proven = Boolean(
    t.userGroup?.grantedRoleIds.includes(g.roleId) && t.membersInCloudflare && missing.length === 0 && t.assigned && t.mapping?.status === 'ACTIVE',
  );
  if (g.mapping) {
    actions.push(
      step(
        'legacy-push',
        'delete',
        `stop pushing "${g.name}" and delete its push mapping (its Cloudflare group is kept)`,
        `members keep access: they hold ${g.role} through "${t.name}"`,
        { method: 'DELETE', path: `${app}/group-push/mappings/${g.mapping.id}?deleteTargetGroup=false` },
      ),
    );
  }
  actions.push(
    step(
      'legacy-unassign',
      'delete',
      `unassign "${g.name}" from the app`,
      proven
        ? `members keep access: every one of them is in "${t.name}" in Cloudflare, with ${g.role}`
        : `only after Cloudflare shows every member of "${g.name}" in "${t.name}" with ${g.role}; this run waits for that proof (up to --wait), and refuses otherwise`,
      { method: 'DELETE', path: `${app}/groups/${g.id}` },
    ),
  );
  return actions;
}
