import type { AppRecord, MappingRecord, OktaGroup, OktaUser } from './records.js';
import type { OktaState } from './state.js';

/** State → the JSON Okta serves, with `_links` pointing back at the emulator. */
export function appFeatures(app: AppRecord): string[] {
  const p = app.provisioning;
  if (!p?.enabled) return [];
  const features = ['GROUP_PUSH'];
  if (p.createUsers) features.push('PUSH_NEW_USERS');
  if (p.deactivateUsers) features.push('PUSH_USER_DEACTIVATION', 'REACTIVATE_USERS');
  if (p.updateUserAttributes) features.push('PUSH_PROFILE_UPDATES');
  return features;
}

export function serializeApp(app: AppRecord, base: string) {
  const self = `${base}/api/v1/apps/${app.id}`;
  // As recorded: no self link; logo and upload links always; activate or deactivate by status.
  const lifecycle = app.status === 'ACTIVE' ? { deactivate: { href: `${self}/lifecycle/deactivate` } } : { activate: { href: `${self}/lifecycle/activate` } };
  return {
    id: app.id,
    orn: `orn:okta:idp:00o000000000000000:apps:${app.name}:${app.id}`,
    name: app.name,
    label: app.label,
    status: app.status,
    lastUpdated: app.lastUpdated,
    created: app.created,
    accessibility: app.accessibility,
    visibility: app.visibility,
    features: appFeatures(app),
    signOnMode: app.signOnMode,
    credentials: app.credentials,
    universalLogout: null,
    settings: app.settings,
    _links: {
      uploadLogo: { href: `${self}/logo`, hints: { allow: ['POST'] } },
      appLinks: Object.keys(app.visibility.appLinks).map((name) => ({ name, href: `${base}/home/${app.name}/${app.id}/aln1`, type: 'text/html' })),
      profileEnrollment: { href: `${base}/api/v1/policies/rst1defaultenrollment` },
      policies: { href: `${self}/policies`, hints: { allow: ['PUT'] } },
      groups: { href: `${self}/groups` },
      logo: [{ name: 'medium', href: `${base}/assets/img/logos/default.png`, type: 'image/png' }],
      accessPolicy: { href: `${base}/api/v1/policies/rst1defaultaccess` },
      users: { href: `${self}/users` },
      ...lifecycle,
    },
  };
}

/** The lifecycle links Okta offers for each user status, as recorded. */
const USER_LIFECYCLE: Record<OktaUser['status'], string[]> = {
  STAGED: ['activate'],
  PROVISIONED: ['suspend', 'resetPassword', 'reactivate', 'deactivate'],
  ACTIVE: ['suspend', 'resetPassword', 'deactivate'],
  SUSPENDED: ['deactivate'],
  DEPROVISIONED: ['activate', 'delete'],
};

/** A user as one read shows it; lists (`brief`) carry the self link alone, as recorded. */
export function serializeUser(user: OktaUser, base: string, brief = false) {
  const self = `${base}/api/v1/users/${user.id}`;
  if (brief) return { ...user, credentials: { provider: { type: 'OKTA', name: 'OKTA' } }, _links: { self: { href: self } } };
  const lifecycle = Object.fromEntries(
    USER_LIFECYCLE[user.status].map((name) => [
      name,
      {
        href: name === 'delete' ? self : `${self}/lifecycle/${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
        method: name === 'delete' ? 'DELETE' : 'POST',
      },
    ]),
  );
  return {
    ...user,
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      ...lifecycle,
      schema: { href: `${base}/api/v1/meta/schemas/user/osc1defaultuserschema` },
      self: { href: self },
      type: { href: `${base}/api/v1/meta/types/user/${user.type.id}` },
    },
  };
}

export function serializeGroup(group: OktaGroup, base: string) {
  return {
    ...group,
    _links: {
      logo: [],
      users: { href: `${base}/api/v1/groups/${group.id}/users` },
      apps: { href: `${base}/api/v1/groups/${group.id}/apps` },
    },
  };
}

export function serializeAppGroup(app: AppRecord, groupId: string, state: OktaState, base: string, expand: boolean) {
  const a = app.groups.get(groupId);
  if (!a) throw new Error(`internal: group ${groupId} is not assigned to ${app.id}`);
  const group = state.groups.get(groupId);
  return {
    id: groupId,
    lastUpdated: a.lastUpdated,
    priority: a.priority,
    profile: a.profile,
    ...(expand && group ? { _embedded: { group: serializeGroup(group, base) } } : {}),
    _links: {
      self: { href: `${base}/api/v1/apps/${app.id}/groups/${groupId}` },
      app: { href: `${base}/api/v1/apps/${app.id}` },
      group: { href: `${base}/api/v1/groups/${groupId}` },
    },
  };
}

function syncStateOf(syncState: string, staged: boolean, state: OktaState): { syncState?: string } {
  return syncState === 'DISABLED' && !staged && state.variants.preProvisionedUser === 'unset' ? {} : { syncState };
}

export function serializeAppUser(app: AppRecord, userId: string, scope: 'USER' | 'GROUP', state: OktaState, base: string, expand: boolean) {
  const user = state.users.get(userId);
  if (!user) throw new Error(`internal: no user ${userId}`);
  const direct = app.users.get(userId);
  const pushed = app.provisioned.get(userId);
  const created = direct?.created ?? user.created;
  const queued = !pushed && !app.failedTasks.has(userId) && Boolean(app.provisioning?.enabled) && !app.unprovisioned.has(userId);
  // Queued for provisioning: ACTIVE and SYNCING, or (the variant) STAGED with syncState DISABLED.
  const staged = queued && state.variants.queued === 'staged';
  return {
    id: userId,
    externalId: pushed?.externalId ?? null,
    created,
    lastUpdated: pushed?.lastSync ?? direct?.lastUpdated ?? created,
    scope,
    status: pushed ? 'PROVISIONED' : staged ? 'STAGED' : 'ACTIVE',
    // The moment it became PROVISIONED: what real Okta records where it keeps no lastSync.
    statusChanged: pushed?.lastSync ?? created,
    passwordChanged: null,
    // Assigned before provisioning was on: still as a no-provisioning app shows it (DISABLED), with no
    // externalId, after provisioning is on (an assumption: docs/assumptions.md). A task that failed for good: ERROR.
    // The variant preProvisionedUser=unset: such a user (or any of an app that does not provision) carries no syncState.
    ...syncStateOf(pushed?.syncState ?? (app.failedTasks.has(userId) ? 'ERROR' : queued && !staged ? 'SYNCING' : 'DISABLED'), staged, state),
    // Updated only for apps with profile import or push (the API reference): the variant plays it absent.
    ...(pushed && state.variants.lastSync === 'present' ? { lastSync: pushed.lastSync } : {}),
    credentials: { userName: user.profile.login },
    profile: {},
    ...(expand ? { _embedded: { user: serializeUser(user, base) } } : {}),
    _links: {
      app: { href: `${base}/api/v1/apps/${app.id}` },
      user: { href: `${base}/api/v1/users/${userId}` },
    },
  };
}

export function serializeMapping(app: AppRecord, m: MappingRecord, base: string) {
  return {
    id: m.id,
    sourceGroupId: m.sourceGroupId,
    targetGroupId: m.targetGroupId,
    status: m.status,
    ...(m.errorSummary ? { errorSummary: m.errorSummary } : {}),
    ...(m.lastPush ? { lastPush: m.lastPush } : {}),
    created: m.created,
    lastUpdated: m.lastUpdated,
    _links: {
      app: { href: `${base}/api/v1/apps/${app.id}` },
      sourceGroup: { href: `${base}/api/v1/groups/${m.sourceGroupId}` },
      targetGroup: { href: `${base}/api/v1/groups/${m.targetGroupId}` },
    },
  };
}
