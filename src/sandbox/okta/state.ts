import { randomUUID } from 'node:crypto';
import { IdFactory } from './ids.js';
import type { OktaSeed } from './seed.js';

export type UserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';

export interface OktaUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: null;
  lastUpdated: string;
  passwordChanged: null;
  type: { id: string };
  profile: {
    firstName: string;
    lastName: string;
    email: string;
    login: string;
    mobilePhone: string | null;
    secondEmail: string | null;
    [attribute: string]: unknown;
  };
}

export interface OktaGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: 'OKTA_GROUP' | 'BUILT_IN' | 'APP_GROUP';
  profile: { name: string; description?: string };
}

/** What the admin sets on the Provisioning tab (and what the connection API sets where Okta takes it). */
export interface ProvisioningSettings {
  enabled: boolean;
  baseUrl: string;
  token: string;
  createUsers: boolean;
  deactivateUsers: boolean;
  updateUserAttributes: boolean;
  importGroups: boolean;
}

export interface MappingRecord {
  id: string;
  sourceGroupId: string;
  /** Okta's APP_GROUP standing for the group in the target app. */
  targetGroupId: string;
  targetGroupName: string;
  status: 'ACTIVE' | 'INACTIVE' | 'ERROR';
  errorSummary: string | null;
  lastPush: string | null;
  created: string;
  lastUpdated: string;
  /** Engine state: the SCIM id of the target group and the members last pushed. */
  scimGroupId?: string;
  pushedMembers?: string[];
  /** A mapping made with targetGroupId links an existing target group. */
  linkOnly: boolean;
}

export interface AppRecord {
  id: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  signOnMode: string;
  created: string;
  lastUpdated: string;
  visibility: { autoLaunch: boolean; autoSubmitToolbar: boolean; hide: { iOS: boolean; web: boolean }; appLinks: Record<string, boolean> };
  accessibility: { selfService: boolean; errorRedirectUrl: string | null; loginRedirectUrl: string | null };
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
  provisioning: ProvisioningSettings | null;
  groups: Map<string, { priority: number; lastUpdated: string; profile: Record<string, unknown> }>;
  users: Map<string, { created: string; lastUpdated: string }>;
  /** Engine state: users pushed to the target, by Okta user id. */
  provisioned: Map<string, { externalId: string; lastSync: string; syncState: 'SYNCHRONIZED' | 'ERROR' }>;
  /**
   * App users that came into being while Create Users was off: Okta does not provision them when it
   * is turned on, until an admin does ("Provision unprovisioned users", Okta Help).
   */
  unprovisioned: Set<string>;
  /** Users whose provisioning task failed for good (Okta's 429 rule ran out): an admin retries it under Dashboard → Tasks. */
  failedTasks: Map<string, string>;
  mappings: Map<string, MappingRecord>;
}

export interface LogEventRecord {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG';
  legacyEventType?: string;
  displayMessage: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  client: { zone: string; device: string; ipAddress: string };
  outcome: { result: 'SUCCESS' | 'FAILURE' | 'SKIPPED'; reason?: string };
  target: Array<{ id: string; type: string; alternateId: string; displayName: string }>;
  transaction: { type: 'JOB' | 'WEB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  authenticationContext: { authenticationStep: number; externalSessionId: string };
  securityContext: Record<string, never>;
  request: { ipChain: unknown[] };
}

export class OktaState {
  readonly ids: IdFactory;
  readonly users = new Map<string, OktaUser>();
  readonly groups = new Map<string, OktaGroup>();
  readonly members = new Map<string, Set<string>>();
  readonly apps = new Map<string, AppRecord>();
  readonly logs: LogEventRecord[] = [];
  /** Target groups to delete downstream (a mapping deleted with deleteTargetGroup=true), drained by provisioning. */
  readonly targetDeletes: Array<{ appId: string; scimGroupId: string }> = [];
  private clock = 0;
  /** The built-in group every user belongs to. */
  private readonly everyoneId: string;

  constructor(seed: OktaSeed, salt = 'okta') {
    this.ids = new IdFactory(salt);
    this.everyoneId = this.addGroup('Everyone', 'All users in your organization', 'BUILT_IN').id;
    for (const u of seed.users) this.addUser(u.login, u.firstName, u.lastName, u.email ?? u.login);
    const byLogin = new Map([...this.users.values()].map((u) => [u.profile.login, u.id]));
    for (const g of seed.groups) {
      const group = this.addGroup(g.name, g.description ?? null, 'OKTA_GROUP');
      for (const login of g.members) {
        const id = byLogin.get(login);
        if (!id) throw new Error(`seed group "${g.name}" names unknown user ${login}`);
        this.members.get(group.id)!.add(id);
      }
    }
  }

  /** Okta's clock (the true time plus the sandbox's skew, if any). */
  timeNow: () => number = Date.now;

  /** Sets Okta's clock; timestamps made before (the seed's) stay, and new ones follow the new clock. */
  useClock(clock: () => number): void {
    this.timeNow = clock;
    this.clock = 0;
  }
  /** How far Okta's provisioning stamps (`lastSync`, `lastPush`) stand from its SCIM request (sandbox timing). */
  stampOffsetMs = 0;

  /** Strictly increasing timestamps, so that `since` filters and ordering are exact. */
  now(): string {
    const t = Math.max(this.timeNow(), this.clock + 1);
    this.clock = t;
    return new Date(t).toISOString();
  }

  /**
   * When provisioning says it did what it just did: now, moved by the stamp offset, but never before
   * the pass that did it began (a stamp "before the request" is the moment the task was taken up,
   * which follows the change it carries out).
   */
  provisioningStamp(passStartedAt: string): string {
    const t = Math.max(Date.parse(this.now()) + this.stampOffsetMs, Date.parse(passStartedAt));
    return new Date(t).toISOString();
  }

  addUser(login: string, firstName: string, lastName: string, email: string): OktaUser {
    const t = this.now();
    const user: OktaUser = {
      id: this.ids.next('00u'),
      status: 'ACTIVE',
      created: t,
      activated: t,
      statusChanged: t,
      lastLogin: null,
      lastUpdated: t,
      passwordChanged: null,
      type: { id: 'oty1defaultusertype00' },
      profile: { firstName, lastName, email, login, mobilePhone: null, secondEmail: null },
    };
    this.users.set(user.id, user);
    this.members.get(this.everyoneId)?.add(user.id);
    return user;
  }

  addGroup(name: string, description: string | null, type: OktaGroup['type']): OktaGroup {
    const t = this.now();
    const group: OktaGroup = {
      id: this.ids.next('00g'),
      created: t,
      lastUpdated: t,
      lastMembershipUpdated: t,
      objectClass: [type === 'APP_GROUP' ? 'okta:app_group' : 'okta:user_group'],
      type,
      profile: description === null ? { name } : { name, description },
    };
    this.groups.set(group.id, group);
    this.members.set(group.id, new Set());
    return group;
  }

  /** Users assigned to the app directly or through an assigned group, with their scope; a deactivated user is assigned to nothing. */
  assignedUsers(app: AppRecord): Map<string, 'USER' | 'GROUP'> {
    const out = new Map<string, 'USER' | 'GROUP'>();
    const live = (userId: string) => this.users.get(userId)?.status !== 'DEPROVISIONED';
    for (const groupId of app.groups.keys()) for (const userId of this.members.get(groupId) ?? []) if (live(userId)) out.set(userId, 'GROUP');
    for (const userId of app.users.keys()) if (live(userId)) out.set(userId, 'USER');
    return out;
  }

  /**
   * Called after every change to an app's assignments or provisioning settings: an app user that
   * exists while Create Users is off is one Okta will not provision by itself; one no longer
   * assigned is gone, and assigned again is a new app user, provisioned afresh.
   */
  settleAssignments(app: AppRecord): void {
    const assigned = this.assignedUsers(app);
    const pushing = Boolean(app.provisioning?.enabled && app.provisioning.createUsers);
    for (const userId of assigned.keys()) if (!pushing && !app.provisioned.has(userId)) app.unprovisioned.add(userId);
    for (const userId of [...app.unprovisioned]) if (!assigned.has(userId)) app.unprovisioned.delete(userId);
    for (const userId of [...app.failedTasks.keys()]) if (!assigned.has(userId)) app.failedTasks.delete(userId);
  }

  /** Okta's user lifecycle: a status change stamps statusChanged (and activated on first activation). */
  setUserStatus(user: OktaUser, status: UserStatus): void {
    if (user.status === status) return;
    const t = this.now();
    user.status = status;
    user.statusChanged = t;
    user.lastUpdated = t;
    if ((status === 'ACTIVE' || status === 'PROVISIONED') && user.activated === null) user.activated = t;
  }

  /** A deleted user leaves every group and app. */
  deleteUser(userId: string): void {
    this.users.delete(userId);
    for (const members of this.members.values()) members.delete(userId);
    for (const app of this.apps.values()) app.users.delete(userId);
  }

  /** A deleted group leaves every app it was assigned to; its push mappings go with it. */
  deleteGroup(groupId: string): void {
    this.groups.delete(groupId);
    this.members.delete(groupId);
    for (const app of this.apps.values()) {
      app.groups.delete(groupId);
      for (const m of [...app.mappings.values()]) if (m.sourceGroupId === groupId) app.mappings.delete(m.id);
    }
  }

  log(event: {
    eventType: string;
    displayMessage: string;
    result: 'SUCCESS' | 'FAILURE';
    reason?: string;
    targets: Array<{ id: string; type: string; alternateId: string; displayName: string }>;
    severity?: LogEventRecord['severity'];
    debugData?: Record<string, unknown>;
  }): void {
    this.logs.push({
      uuid: randomUUID(),
      published: this.now(),
      eventType: event.eventType,
      version: '0',
      severity: event.severity ?? (event.result === 'FAILURE' ? 'WARN' : 'INFO'),
      displayMessage: event.displayMessage,
      actor: { id: '0oaokta0provisioning0', type: 'PublicClientApp', alternateId: 'Okta Provisioning', displayName: 'Okta Provisioning' },
      client: { zone: 'null', device: 'Unknown', ipAddress: '127.0.0.1' },
      outcome: event.reason ? { result: event.result, reason: event.reason } : { result: event.result },
      target: event.targets,
      transaction: { type: 'JOB', id: randomUUID(), detail: {} },
      debugContext: { debugData: event.debugData ?? {} },
      authenticationContext: { authenticationStep: 0, externalSessionId: 'unknown' },
      securityContext: {},
      request: { ipChain: [] },
    });
  }

  snapshot() {
    return {
      users: [...this.users.values()],
      groups: [...this.groups.values()].map((g) => ({ ...g, members: [...(this.members.get(g.id) ?? [])] })),
      apps: [...this.apps.values()].map((a) => ({
        ...a,
        provisioning: a.provisioning ? { ...a.provisioning, token: a.provisioning.token ? '(set)' : '' } : null,
        groups: Object.fromEntries(a.groups),
        users: Object.fromEntries(a.users),
        provisioned: Object.fromEntries(a.provisioned),
        unprovisioned: [...a.unprovisioned],
        failedTasks: Object.fromEntries(a.failedTasks),
        mappings: [...a.mappings.values()],
      })),
      logs: this.logs,
    };
  }
}

export function appTarget(app: AppRecord) {
  return { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label };
}

export function userTarget(user: OktaUser) {
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: `${user.profile.firstName} ${user.profile.lastName}` };
}

export function groupTarget(group: OktaGroup) {
  return { id: group.id, type: 'UserGroup', alternateId: group.profile.name, displayName: group.profile.name };
}
