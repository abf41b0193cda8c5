import type { ReassignUser } from './operations.js';
import type { Action, Desired } from './types.js';
import { oktaPaths } from './okta-paths.js';

/**
 * Users Okta will not provision by itself though the app provisions:
 * - `unprovisioned`: assigned before provisioning was on. Okta Help ("Provision unprovisioned users")
 *   says Okta leaves them until an admin selects Provision User; its API reference says an app user
 *   of an app without provisioning shows ACTIVE. How such a user shows once provisioning is on is open
 *   (docs/assumptions.md): ACTIVE, no externalId, and syncState DISABLED or none at all (the variant
 *   preProvisionedUser); work Okta has queued shows SYNCING or STAGED, never either.
 * - `failed-task`: its provisioning task failed for good (syncState ERROR: "you must resolve the
 *   provisioning task in the Admin Console", the API reference), as after Okta's last 429 retry.
 */
export type StuckState = 'unprovisioned' | 'failed-task';

/** Pure: how Okta shows an app user it will not provision by itself, if so. */
export function stuckState(u: { status?: string; syncState?: string | null; externalId?: string | null }): StuckState | undefined {
  if (u.externalId || u.status === 'PROVISIONED') return undefined;
  // STAGED is work Okta has queued, whatever its syncState says: never "assigned before provisioning was on".
  if (u.status === 'STAGED') return undefined;
  if (u.syncState === 'ERROR') return 'failed-task';
  if (u.syncState === 'DISABLED' || (u.status === 'ACTIVE' && (u.syncState === undefined || u.syncState === null))) return 'unprovisioned';
  return undefined;
}

/** What the repair of unprovisioned users is decided from, read once the app provisions. */
export interface UnprovisionedFacts {
  users: Array<{ login: string; id: string; direct: boolean }>;
  /** The app's assigned groups: their members who are app users (logins, lower-case), and whether Okta provisioned any of them. */
  groups: Array<{ id: string; name: string; priority?: number; members: string[]; anyProvisioned: boolean }>;
  /** The app's Assignments tab in the Admin Console, where Provision User is. */
  assignmentsLink: string;
}

/**
 * Pure. A user Okta never provisioned is provisioned when it is assigned afresh, and an assignment
 * can be taken away and made again by API only where that deprovisions nobody:
 * - assigned directly and through no group: unassigned and assigned again;
 * - assigned through exactly one group none of whose members Okta has provisioned: the group
 *   unassigned and assigned again, with its priority.
 * Both only where the inputs name the user or the group. Everyone else is one manual step: Okta's
 * Provision User, with a link.
 */
export function provisionRepairs(
  f: UnprovisionedFacts,
  appId: string,
  inputs: Pick<Desired, 'assignUsers' | 'assignGroups' | 'pushGroups'>,
): Action<ReassignUser>[] {
  const app = oktaPaths.app(appId);
  const namedUsers = new Set(inputs.assignUsers.map((l) => l.toLowerCase()));
  const namedGroups = new Set([...inputs.assignGroups, ...inputs.pushGroups]);
  const groupsOf = (login: string) => f.groups.filter((g) => g.members.includes(login.toLowerCase()));
  const safeGroup = (login: string) => {
    const groups = groupsOf(login);
    return groups.length === 1 && !groups[0].anyProvisioned && namedGroups.has(groups[0].name) ? groups[0] : undefined;
  };
  const actions: Action<ReassignUser>[] = [];
  const byGroup = new Map<string, { group: UnprovisionedFacts['groups'][number]; logins: string[] }>();
  const manual: string[] = [];
  for (const u of f.users) {
    if (u.direct && groupsOf(u.login).length === 0 && namedUsers.has(u.login.toLowerCase())) {
      actions.push({
        id: `repair:user:${u.login}`,
        kind: 'update',
        resource: 'repair',
        subject: u.login,
        operation: { kind: 'reassign-user', login: u.login },
        summary: `assign user ${u.login} to the app afresh: it was assigned before provisioning was on, and Okta does not provision it by itself`,
        detail: 'a new assignment is provisioned as any other; the user was never provisioned, so nothing is deactivated in between',
        request: { method: 'DELETE', path: `${app}/users/${u.id}` },
        followUps: [{ method: 'POST', path: `${app}/users`, body: { id: u.id, scope: 'USER', credentials: { userName: u.login } } }],
        manualFallback: provisionUserStep([u.login], f.assignmentsLink),
      });
      continue;
    }
    const group = u.direct ? undefined : safeGroup(u.login);
    if (!group) {
      manual.push(u.login);
      continue;
    }
    const entry = byGroup.get(group.id) ?? { group, logins: [] };
    entry.logins.push(u.login);
    byGroup.set(group.id, entry);
  }
  for (const { group, logins } of byGroup.values())
    actions.push({
      id: `repair:provision-group:${group.name}`,
      kind: 'update',
      resource: 'repair',
      subject: group.name,
      summary: `assign group "${group.name}" to the app afresh: ${logins.length === 1 ? `${logins[0]} was` : `${logins.length} of its members were`} assigned before provisioning was on, and Okta does not provision them by itself`,
      detail: `none of the group's ${group.members.length} members is provisioned yet, so unassigning it deactivates nobody: ${list(logins)}`,
      request: { method: 'DELETE', path: `${app}/groups/${group.id}` },
      followUps: [{ method: 'PUT', path: `${app}/groups/${group.id}`, body: group.priority === undefined ? {} : { priority: group.priority } }],
    });
  if (manual.length) {
    const step = provisionUserStep(manual, f.assignmentsLink);
    actions.push({
      id: 'repair:provision-users',
      kind: 'manual',
      resource: 'repair',
      summary: step.title,
      detail: step.steps.join(' '),
    });
  }
  return actions;
}

/** Okta's own way, for an admin: Provision User on the app's Assignments tab. */
export function provisionUserStep(logins: string[], link: string): { title: string; steps: string[] } {
  return {
    title: `provision ${logins.length === 1 ? logins[0] : `${logins.length} users`} in Okta: assigned before provisioning was on, ${logins.length === 1 ? 'it is' : 'they are'} not provisioned by Okta by itself`,
    steps: [
      `In Okta, open ${link} (the app's Assignments tab) and select Provision User for ${list(logins)}; then run verify.`,
      'Or name them in the run (--assign-user for a direct assignment, --assign-group for the only group that assigns them, if none of its members is provisioned): scim-setup assigns them afresh.',
    ],
  };
}

function list(items: string[]): string {
  return `${items.slice(0, 5).join(', ')}${items.length > 5 ? ` and ${items.length - 5} more` : ''}`;
}
