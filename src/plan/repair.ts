import { fromWire } from '../lib/terminal-text.js';
import { oktaPaths } from './okta-paths.js';
import type { Drift, GroupMembersDrift, MemberDrift } from './drift.js';
import type { ReassignUser } from './operations.js';
import type { Action, Desired, PlannedRequest } from './types.js';

/**
 * Repairs of drift, through Okta so that Okta stays the source of truth. Okta pushes only on
 * changes in Okta, so each repair is a change Okta answers with a push:
 * - a group whose Cloudflare members differ: its mapping set INACTIVE, then ACTIVE ("If changing
 *   … to ACTIVE, Okta performs an initial push to the target group": the API reference);
 * - a group renamed in Cloudflare: pushed again the same way; Okta sends its name with each push;
 * - a group deleted in Cloudflare: the mapping unlinked (INACTIVE, then deleted without its
 *   target) and made again by name, which "creates a new group" in Cloudflare;
 * - a user assigned directly: unassigned and assigned again, which Okta pushes as a new user and
 *   Cloudflare takes as a reactivation of the same SCIM user.
 * A user assigned only through a group has no such API: the repair is a manual step. Repairs by API
 * touch only what the inputs name, so that a run stopped between two steps is finished by the
 * next run's own actions (a mapping left INACTIVE is activated, a user left unassigned assigned).
 */
/** Pure: the users Cloudflare dropped from the account behind Okta's back (member drift), by login in lower case. */
export function droppedLogins(drift: Drift[]): Set<string> {
  return new Set(drift.flatMap((d) => (d.kind === 'member' ? [d.login.toLowerCase()] : [])));
}

/**
 * Pure: whether a pushed group differs in Cloudflare only by users Cloudflare dropped from the account.
 * Then a push cannot mend it (a group cannot hold a user who is not a member, and Okta puts such a
 * push in ERROR); bringing the users back does, and the group follows. verify and okta say this one
 * diagnosis and its one fix.
 */
export function lacksOnlyDropped(d: GroupMembersDrift, dropped: Set<string>): boolean {
  return d.extra.length === 0 && d.missing.length > 0 && d.missing.every((l) => dropped.has(l.toLowerCase()));
}

/** Pure: how users Cloudflare dropped are brought back: the same words in okta's plan and verify's checks. */
export function bringBackFix(drifted: Array<Pick<MemberDrift, 'login' | 'direct'>>): string {
  const viaGroup = drifted.filter((d) => !d.direct).map((d) => d.login);
  const direct = drifted.length - viaGroup.length;
  const names = (logins: string[]) => `${logins.slice(0, 5).join(', ')}${logins.length > 5 ? ' …' : ''}`;
  if (viaGroup.length === 0)
    return 'Run `npx scim-setup okta` naming them (--assign-user): it assigns each again, and Okta then reactivates them in Cloudflare. Then run verify.';
  return `Okta pushes a user only when the user changes in Okta, and a user assigned through a group cannot be re-assigned alone by API. In Okta, remove each of ${names(viaGroup)} from the group that assigns it to the app and add it back${
    direct > 0 ? '; run `npx scim-setup okta` naming the users assigned directly (--assign-user): it assigns them again' : ''
  }; then run verify.`;
}

export function repairs(
  drift: Drift[],
  appId: string,
  inputs: Pick<Desired, 'pushGroups' | 'assignUsers'>,
): { actions: Action<ReassignUser>[]; warnings: string[] } {
  // A user a group assigns gets a manual step whatever the inputs: no API step could be left half-done.
  const named = (d: Drift) =>
    d.kind === 'member' ? !d.direct || inputs.assignUsers.some((l) => l.toLowerCase() === d.login.toLowerCase()) : inputs.pushGroups.includes(d.group);
  const dropped = droppedLogins(drift);
  const pushable = (d: Drift) => d.kind !== 'group-members' || !lacksOnlyDropped(d, dropped);
  const wanted = drift.filter(pushable);
  return { actions: wanted.filter(named).map((d) => repairAction(d, appId)), warnings: wanted.filter((d) => !named(d)).map(unnamed) };
}

function repairAction(d: Drift, appId: string): Action<ReassignUser> {
  const app = oktaPaths.app(appId);
  switch (d.kind) {
    case 'group-members':
      return {
        id: `repair:push:${d.group}`,
        kind: 'update',
        resource: 'repair',
        subject: d.group,
        summary: `push group "${d.group}" to Cloudflare again: its members there differ from Okta`,
        detail: `drift since Okta's last push (${d.lastPush}): ${[d.missing.length ? `missing ${list(d.missing)}` : '', d.extra.length ? `extra ${list(d.extra)}` : ''].filter(Boolean).join('; ')}`,
        ...sequence(repush(app, d.mappingId)),
      };
    case 'group-gone':
      // A rename shows as a SCIM group no push names. Okta follows the group by its Cloudflare id
      // and sends its own name with every push (Okta's SCIM guide), so a push names it back. With
      // no such group, it was deleted: the mapping is unlinked and made again by name, which
      // creates the group.
      return d.otherScimGroups.length > 0 && !d.oktaSays
        ? {
            id: `repair:push:${d.group}`,
            kind: 'update',
            resource: 'repair',
            subject: d.group,
            summary: `push group "${d.group}" to Cloudflare again: it is not there by that name${d.renamedTo ? ` (renamed there to "${d.renamedTo}")` : ' (renamed there, or deleted)'}`,
            detail: `drift since Okta's last push (${d.lastPush}); SCIM groups no push names: ${list(d.otherScimGroups.map((n) => `"${n}"`))}. Okta sends the group's name with each push.`,
            ...sequence(repush(app, d.mappingId)),
          }
        : {
            id: `repair:push:${d.group}`,
            kind: 'update',
            resource: 'repair',
            subject: d.group,
            summary: `push group "${d.group}" to Cloudflare afresh: it was deleted there`,
            detail: d.oktaSays
              ? `Okta put the push in error: "${fromWire(d.oktaSays)}"; it does not create a deleted group again`
              : `drift since Okta's last push (${d.lastPush}); no SCIM group has another name, so none was renamed`,
            ...sequence([
              { method: 'PATCH', path: `${app}/group-push/mappings/${d.mappingId}`, body: { status: 'INACTIVE' } },
              { method: 'DELETE', path: `${app}/group-push/mappings/${d.mappingId}?deleteTargetGroup=false` },
              { method: 'POST', path: `${app}/group-push/mappings`, body: { sourceGroupId: d.sourceGroupId, targetGroupName: d.group, status: 'ACTIVE' } },
            ]),
          };
    case 'member':
      if (d.direct && d.userId)
        return {
          id: `repair:user:${d.login}`,
          kind: 'update',
          resource: 'repair',
          subject: d.login,
          operation: { kind: 'reassign-user', login: d.login },
          summary: `assign user ${d.login} to the app again: Cloudflare dropped it behind Okta's back`,
          detail: `Okta: provisioned at ${d.syncedAt}; Cloudflare: ${d.cloudflare}`,
          ...sequence([
            { method: 'DELETE', path: `${app}/users/${d.userId}` },
            { method: 'POST', path: `${app}/users`, body: { id: d.userId, scope: 'USER', credentials: { userName: d.login } } },
          ]),
        };
      return {
        id: `repair:user:${d.login}`,
        kind: 'manual',
        resource: 'repair',
        subject: d.login,
        summary: `bring ${d.login} back in Cloudflare: in Okta, remove the user from the group that assigns it to the app, then add it back`,
        detail: `Okta: provisioned at ${d.syncedAt}; Cloudflare: ${d.cloudflare}. ${bringBackFix([d])}`,
      };
  }
}

/** Drift in what the inputs do not name: the run says so and how, and leaves it alone. */
function unnamed(d: Drift): string {
  return d.kind === 'member'
    ? `User ${d.login} is assigned in Okta but ${d.cloudflare === 'no SCIM user' ? 'missing' : 'deactivated'} in Cloudflare, changed there behind Okta's back; this run does not name it, so it is not repaired. Add --assign-user ${d.login} to repair it.`
    : `Pushed group "${d.group}" differs in Cloudflare from what Okta pushed; this run does not name it, so it is not repaired. Add --push-group "${d.group}" to repair it.`;
}

/** Set a push mapping INACTIVE, then ACTIVE: Okta pushes the group afresh. */
export function repush(appPath: string, mappingId: string): PlannedRequest[] {
  const path = `${appPath}/group-push/mappings/${mappingId}`;
  return [
    { method: 'PATCH', path, body: { status: 'INACTIVE' } },
    { method: 'PATCH', path, body: { status: 'ACTIVE' } },
  ];
}

/** Requests in order, as one action: the first, then the rest. */
export function sequence([request, ...followUps]: PlannedRequest[]): Pick<Action, 'request' | 'followUps'> {
  return { request, followUps };
}

function list(items: string[]): string {
  return `${items.slice(0, 5).join(', ')}${items.length > 5 ? ` and ${items.length - 5} more` : ''}`;
}
