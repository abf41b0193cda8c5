import { randomUUID } from 'node:crypto';
import { notFound, oktaFailure, validation } from './errors.js';
import { IdFactory } from './ids.js';
import {
  appTarget,
  groupTarget,
  userTarget,
  type AppRecord,
  type LogEventRecord,
  type MappingRecord,
  type OktaGroup,
  type OktaUser,
  type ProvisioningSettings,
  type UserStatus,
} from './records.js';
import type { OktaSeed } from './seed.js';

/** Told after a change that provisioning must act on: the app it concerns (all when none), and how soon. */
export type ChangeListener = (appId: string | undefined, delayMs?: number) => void;

/** What a new app is given; the org adds its id, timestamps, credentials and empty assignments. */
export type NewApp = Pick<AppRecord, 'name' | 'label' | 'signOnMode' | 'status' | 'visibility' | 'accessibility' | 'settings'>;
/** What a full replace of an app sets. */
export type AppReplacement = Pick<AppRecord, 'label' | 'signOnMode' | 'visibility' | 'accessibility' | 'settings'> & { credentials?: Record<string, unknown> };
/** The three provisioning features the API can switch; undefined leaves one as it is. */
export type ProvisioningFeatures = Partial<Pick<ProvisioningSettings, 'createUsers' | 'deactivateUsers' | 'updateUserAttributes'>>;

/**
 * The Okta org: its records, its clock and System Log, and its rules. Every change, whether an API
 * route or the sandbox's control API (the admin's clicks) asks for it, is one method here that
 * stamps the records it touches, writes the System Log event Okta writes, and tells provisioning;
 * the routes only read requests and shape answers.
 */
import { defaultVariants, type SandboxVariants } from '../../lib/sandbox-variants.js';

export class OktaState {
  readonly ids: IdFactory;
  readonly users = new Map<string, OktaUser>();
  readonly groups = new Map<string, OktaGroup>();
  readonly members = new Map<string, Set<string>>();
  readonly apps = new Map<string, AppRecord>();
  readonly logs: LogEventRecord[] = [];
  /**
   * The sandbox's own record, never served: the Base URL and token a run tried to hand an app over
   * the connection API where Okta keeps nothing (an app outside its supported list). They are what
   * the run's guided step then shows, so they are what the emulated admin pastes.
   */
  readonly handoverAsked = new Map<string, { baseUrl: string; token: string }>();
  /** Target groups to delete downstream (a mapping deleted with deleteTargetGroup=true), drained by provisioning. */
  readonly targetDeletes: Array<{ appId: string; scimGroupId: string }> = [];
  private clock = 0;
  /** The built-in group every user belongs to. */
  private readonly everyoneId: string;

  /**
   * `clock` is Okta's (the true time plus the sandbox's skew, if any): the seed is stamped by it too,
   * so that every timestamp of the org, seed or not, follows one clock and never goes back.
   */
  constructor(seed: OktaSeed, salt = 'okta', clock: () => number = Date.now) {
    this.timeNow = clock;
    this.ids = new IdFactory(salt);
    this.everyoneId = this.addGroup('Everyone', 'All users in your organization', 'BUILT_IN').id;
    for (const u of seed.users) this.addUser(u.login, u.firstName, u.lastName, u.email ?? u.login);
    const byLogin = new Map([...this.users.values()].map((u) => [u.profile.login, u.id]));
    for (const g of seed.groups) {
      const group = this.addGroup(g.name, g.description ?? null, 'OKTA_GROUP');
      for (const login of g.members) {
        const id = byLogin.get(login);
        if (!id) throw new Error(`seed group "${g.name}" names unknown user ${login}`);
        this.members.get(group.id)?.add(id);
      }
    }
  }

  /** Okta's clock (the true time plus the sandbox's skew, if any). */
  /** Okta's clock. */
  readonly timeNow: () => number;
  /** How far Okta's provisioning stamps (`lastSync`, `lastPush`) stand from its SCIM request (sandbox timing). */
  stampOffsetMs = 0;
  /** The org's rate-limit warning threshold, in percent of a bucket (Okta's default; an admin may set it). */
  rateLimitWarningPercent = 60;
  /** The readings the sandbox plays where Okta's documents allow more than one (variants.ts). */
  variants: SandboxVariants = defaultVariants();

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

  private readonly listeners: ChangeListener[] = [];

  /** Provisioning listens here (the emulator wires it): the org never calls the engine itself. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** After a change to assignments, settings or the directory: settle the apps' assignments, then tell provisioning. */
  private changed(app?: AppRecord, delayMs?: number): void {
    for (const each of app ? [app] : this.apps.values()) this.settleAssignments(each);
    this.tell(app?.id, delayMs);
  }

  private tell(appId: string | undefined, delayMs?: number): void {
    for (const listener of this.listeners) listener(appId, delayMs);
  }

  // ---- Apps (POST/PUT/DELETE /api/v1/apps…) ----

  createApp(fields: NewApp): AppRecord {
    const t = this.now();
    const app: AppRecord = {
      ...fields,
      id: this.ids.next('0oa'),
      created: t,
      lastUpdated: t,
      credentials: {
        scheme: 'EDIT_USERNAME_AND_PASSWORD',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Okta's own user name template, not a JavaScript one
        userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
        revealPassword: false,
        signing: {},
      },
      provisioning: null,
      groups: new Map(),
      users: new Map(),
      provisioned: new Map(),
      unprovisioned: new Set(),
      failedTasks: new Map(),
      mappings: new Map(),
    };
    this.apps.set(app.id, app);
    this.logFor(app, 'application.lifecycle.create', 'Create application');
    this.changed(app);
    return app;
  }

  /** A full replace, as at Okta: what the body leaves out is reset, and provisioning is wiped. */
  replaceApp(app: AppRecord, fields: AppReplacement): void {
    const { credentials, ...rest } = fields;
    Object.assign(app, rest);
    if (credentials) app.credentials = { ...app.credentials, ...credentials };
    if (app.provisioning?.enabled) {
      // Seen at Okta (terraform-provider-okta #655): a PUT through the apps API resets the Provisioning tab.
      app.provisioning = { ...app.provisioning, enabled: false };
      this.logFor(app, 'application.configuration.update', 'Provisioning settings reset by an application update');
    }
    app.lastUpdated = this.now();
    this.logFor(app, 'application.lifecycle.update', 'Update application');
    this.changed(app);
  }

  deleteApp(app: AppRecord): void {
    if (app.status !== 'INACTIVE') throw oktaFailure(403, 'E0000056', 'Delete application forbidden.', ['Deactivate the application before deleting it.']);
    this.apps.delete(app.id);
    this.logFor(app, 'application.lifecycle.delete', 'Delete application');
  }

  setAppStatus(app: AppRecord, status: AppRecord['status']): void {
    if (app.status === status) return;
    app.status = status;
    app.lastUpdated = this.now();
    const active = status === 'ACTIVE';
    this.logFor(
      app,
      active ? 'application.lifecycle.activate' : 'application.lifecycle.deactivate',
      active ? 'Activate application' : 'Deactivate application',
    );
    this.changed(app);
  }

  // ---- Provisioning: the connection API, the features API, and the admin's Provisioning tab ----

  /** The connection API's save: saved DISABLED unless it is activated in the same request (as recorded). */
  connect(app: AppRecord, baseUrl: string, token: string, activate: boolean): void {
    app.provisioning = {
      ...(app.provisioning ?? { createUsers: false, deactivateUsers: false, updateUserAttributes: false, importGroups: false }),
      enabled: activate,
      baseUrl,
      token,
    };
    this.logFor(app, 'application.configuration.update', 'Update provisioning connection');
    this.changed(app);
  }

  /** The connection's lifecycle: only a saved connection can be switched. */
  setConnectionEnabled(app: AppRecord, enabled: boolean): void {
    if (!app.provisioning?.baseUrl) return;
    app.provisioning.enabled = enabled;
    this.changed(app);
  }

  setProvisioningFeatures(app: AppRecord, features: ProvisioningFeatures): void {
    const p = app.provisioning;
    if (!p) return;
    p.createUsers = features.createUsers ?? p.createUsers;
    p.deactivateUsers = features.deactivateUsers ?? p.deactivateUsers;
    p.updateUserAttributes = features.updateUserAttributes ?? p.updateUserAttributes;
    app.lastUpdated = this.now();
    this.changed(app);
  }

  /**
   * What an admin saves on the Provisioning tab. The users assigned until now are settled under the
   * settings they were assigned under first (assigned while Create Users was off, they wait); then
   * provisioning runs at once.
   */
  setProvisioning(app: AppRecord, settings: ProvisioningSettings): void {
    this.settleAssignments(app);
    app.provisioning = { ...settings };
    app.lastUpdated = this.now();
    this.logFor(app, 'application.configuration.update', 'Update provisioning settings');
    this.changed(app, 0);
  }

  /** The admin's "Provision User" on the Assignments tab, for the users assigned before provisioning was on. */
  provisionWaitingUsers(app: AppRecord): void {
    app.unprovisioned.clear();
    this.tell(app.id, 0);
  }

  /** The admin's Retry on Dashboard → Tasks. */
  retryFailedTasks(app: AppRecord): void {
    app.failedTasks.clear();
    this.tell(app.id, 0);
  }

  // ---- Assignments (/api/v1/apps/{appId}/groups and /users) ----

  assignGroup(app: AppRecord, group: OktaGroup, priority: number | undefined, profile: Record<string, unknown> | undefined): void {
    const existing = app.groups.get(group.id);
    app.groups.set(group.id, {
      priority: priority ?? existing?.priority ?? app.groups.size,
      lastUpdated: this.now(),
      profile: profile ?? existing?.profile ?? {},
    });
    if (!existing) this.logPair('group.application_assignment.add', 'Add assigned application to group', groupTarget(group), app);
    this.changed(app);
  }

  unassignGroup(app: AppRecord, groupId: string): void {
    if (!app.groups.delete(groupId)) throw notFound(`ApplicationGroupAssignment ${groupId}`);
    const group = this.groups.get(groupId);
    if (group) this.logPair('group.application_assignment.remove', 'Remove assigned application from group', groupTarget(group), app);
    this.changed(app);
  }

  assignUser(app: AppRecord, user: OktaUser): void {
    const t = this.now();
    const existing = app.users.get(user.id);
    // A user not assigned in any way gets a new app user, which Okta provisions afresh: it finds
    // the user in Cloudflare by userName and reactivates it there.
    if (!this.assignedUsers(app).has(user.id)) app.provisioned.delete(user.id);
    app.users.set(user.id, { created: existing?.created ?? t, lastUpdated: t });
    if (!existing) this.logPair('application.user_membership.add', 'Add user to application membership', userTarget(user), app);
    this.changed(app);
  }

  unassignUser(app: AppRecord, userId: string): void {
    if (!app.users.has(userId)) {
      if (this.assignedUsers(app).has(userId)) throw validation('This user is assigned through a group; remove the group assignment instead.');
      throw notFound(`AppUser ${userId}`);
    }
    app.users.delete(userId);
    const user = this.users.get(userId);
    if (user) this.logPair('application.user_membership.remove', 'Remove user from application membership', userTarget(user), app);
    this.changed(app);
  }

  // ---- Group push mappings (/api/v1/apps/{appId}/group-push/mappings) ----

  /** A mapping to a new target group by name, or linking an existing APP_GROUP by its id. */
  createMapping(app: AppRecord, source: OktaGroup, target: { name: string } | { groupId: string }, status: MappingRecord['status']): MappingRecord {
    if ([...app.mappings.values()].some((m) => m.sourceGroupId === source.id))
      throw validation(`sourceGroupId: A group push mapping already exists for group ${source.id}.`);
    let targetGroup: OktaGroup;
    if ('groupId' in target) {
      const found = this.groups.get(target.groupId);
      if (found?.type !== 'APP_GROUP') throw notFound(`AppGroup ${target.groupId}`);
      targetGroup = found;
    } else {
      targetGroup = this.addGroup(target.name, null, 'APP_GROUP');
    }
    const t = this.now();
    const mapping: MappingRecord = {
      id: this.ids.next('gPm'),
      sourceGroupId: source.id,
      targetGroupId: targetGroup.id,
      targetGroupName: targetGroup.profile.name,
      status,
      errorSummary: null,
      lastPush: null,
      created: t,
      lastUpdated: t,
      linkOnly: 'groupId' in target,
    };
    app.mappings.set(mapping.id, mapping);
    this.logPair('application.provision.group_push.mapping.created', 'Group push mapping created', groupTarget(source), app);
    this.changed(app);
    return mapping;
  }

  setMappingStatus(app: AppRecord, mapping: MappingRecord, status: 'ACTIVE' | 'INACTIVE'): void {
    // A mapping in ERROR can only be switched off (then fixed or deleted), not back on.
    if (mapping.status === 'ERROR' && status === 'ACTIVE')
      throw validation('status: A mapping in ERROR cannot be activated; fix the cause, set it INACTIVE, then ACTIVE.');
    // "If changing … to ACTIVE, Okta performs an initial push" (the API reference): a change, not
    // setting ACTIVE again, which pushes nothing.
    if (status === 'ACTIVE' && mapping.status !== 'ACTIVE') mapping.pushedMembers = undefined;
    mapping.status = status;
    mapping.errorSummary = null;
    mapping.lastUpdated = this.now();
    const active = status === 'ACTIVE';
    this.logFor(
      app,
      active ? 'application.provision.group_push.activate_mapping' : 'application.provision.group_push.deactivate_mapping',
      'Group push mapping updated',
    );
    this.changed(app);
  }

  /** Deleting a mapping may delete its group downstream too (provisioning drains `targetDeletes`). */
  deleteMapping(app: AppRecord, mapping: MappingRecord, deleteTargetGroup: boolean): void {
    if (mapping.status !== 'INACTIVE') throw validation('The group push mapping must be in an INACTIVE state to be deleted.');
    app.mappings.delete(mapping.id);
    this.logFor(app, 'application.provision.group_push.mapping.removed', 'Group push mapping removed', { deleteTargetGroup: String(deleteTargetGroup) });
    if (deleteTargetGroup && mapping.scimGroupId) this.targetDeletes.push({ appId: app.id, scimGroupId: mapping.scimGroupId });
    this.changed(app);
  }

  // ---- The directory: groups and their members (/api/v1/groups…) ----

  createGroup(name: string, description: string): OktaGroup {
    if ([...this.groups.values()].some((g) => g.type === 'OKTA_GROUP' && g.profile.name === name))
      throw validation('profile.name: An object with this field already exists in the current organization');
    const group = this.addGroup(name, description, 'OKTA_GROUP');
    this.log({ eventType: 'group.lifecycle.create', displayMessage: 'Create Okta group', result: 'SUCCESS', targets: [groupTarget(group)] });
    return group;
  }

  updateGroup(group: OktaGroup, profile: OktaGroup['profile']): void {
    oktaGroupOnly(group);
    group.profile = profile;
    group.lastUpdated = this.now();
    this.changed();
  }

  /** A deleted group leaves every app it was assigned to; its push mappings go with it. */
  deleteGroup(group: OktaGroup): void {
    if (group.type === 'BUILT_IN')
      throw oktaFailure(403, 'E0000006', 'You do not have permission to perform the requested action', ['The Everyone group cannot be deleted.']);
    this.groups.delete(group.id);
    this.members.delete(group.id);
    for (const app of this.apps.values()) {
      app.groups.delete(group.id);
      for (const m of [...app.mappings.values()]) if (m.sourceGroupId === group.id) app.mappings.delete(m.id);
    }
    this.log({ eventType: 'group.lifecycle.delete', displayMessage: 'Delete Okta group', result: 'SUCCESS', targets: [groupTarget(group)] });
    this.changed();
  }

  /** Membership changes stamp the group's `lastMembershipUpdated`, which the drift rule reads. */
  addMember(group: OktaGroup, user: OktaUser): void {
    this.changeMembership(group, user, 'add', 'Add user to group membership');
  }

  removeMember(group: OktaGroup, user: OktaUser): void {
    oktaGroupOnly(group);
    this.changeMembership(group, user, 'remove', 'Remove user from group membership');
  }

  private changeMembership(group: OktaGroup, user: OktaUser, change: 'add' | 'remove', displayMessage: string): void {
    if (group.type !== 'OKTA_GROUP') throw validation('Only members of Okta groups can be managed.');
    const members = this.members.get(group.id) ?? new Set<string>();
    this.members.set(group.id, members);
    if (change === 'add') members.add(user.id);
    else members.delete(user.id);
    group.lastMembershipUpdated = this.now();
    this.log({ eventType: `group.user_membership.${change}`, displayMessage, result: 'SUCCESS', targets: [userTarget(user), groupTarget(group)] });
    this.changed();
  }

  // ---- The directory: users (/api/v1/users…) ----

  /** A new user is STAGED; activated, it waits for a password (PROVISIONED) unless it came with one. */
  createUser(profile: OktaUser['profile'], activate: boolean, withPassword: boolean): OktaUser {
    if ([...this.users.values()].some((u) => u.profile.login.toLowerCase() === profile.login.toLowerCase()))
      throw validation('login: An object with this field already exists in the current organization');
    const user = this.addUser(profile.login, profile.firstName, profile.lastName, profile.email);
    user.profile = profile;
    user.status = 'STAGED';
    user.activated = null;
    user.statusChanged = null;
    if (activate) this.setUserStatus(user, withPassword ? 'ACTIVE' : 'PROVISIONED');
    this.log({ eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user', result: 'SUCCESS', targets: [userTarget(user)] });
    return user;
  }

  /** PUT replaces the profile: what it leaves out is cleared. */
  replaceUserProfile(user: OktaUser, profile: OktaUser['profile']): void {
    user.profile = profile;
    user.lastUpdated = this.now();
    this.changed();
  }

  activateUser(user: OktaUser): void {
    if (user.status === 'ACTIVE' || user.status === 'PROVISIONED') throw validation('Activation failed because the user is already active');
    this.setUserStatus(user, 'PROVISIONED');
    this.log({ eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', result: 'SUCCESS', targets: [userTarget(user)] });
    this.changed();
  }

  deactivateUser(user: OktaUser): void {
    this.setUserStatus(user, 'DEPROVISIONED');
    this.log({ eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user', result: 'SUCCESS', targets: [userTarget(user)] });
    this.changed();
  }

  /** Okta deletes in two steps: the first DELETE deactivates, the second deletes (the user leaves every group and app). */
  deleteUser(user: OktaUser): void {
    if (user.status !== 'DEPROVISIONED') {
      this.deactivateUser(user);
      return;
    }
    this.users.delete(user.id);
    for (const members of this.members.values()) members.delete(user.id);
    for (const app of this.apps.values()) app.users.delete(user.id);
    this.log({ eventType: 'user.lifecycle.delete.initiated', displayMessage: 'Delete Okta user', result: 'SUCCESS', targets: [userTarget(user)] });
    this.changed();
  }

  private logFor(app: AppRecord, eventType: string, displayMessage: string, debugData?: Record<string, unknown>): void {
    this.log({ eventType, displayMessage, result: 'SUCCESS', targets: [appTarget(app)], debugData });
  }

  private logPair(eventType: string, displayMessage: string, subject: ReturnType<typeof userTarget>, app: AppRecord): void {
    this.log({ eventType, displayMessage, result: 'SUCCESS', targets: [subject, appTarget(app)] });
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

function oktaGroupOnly(group: OktaGroup): void {
  if (group.type !== 'OKTA_GROUP') throw validation('Only Okta groups can be changed through this API.');
}
