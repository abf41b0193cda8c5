import { randomBytes } from 'node:crypto';
import { filterString } from '../../lib/filter-string.js';
import { later, systemClock, type Clock } from '../../lib/clock.js';
import { OKTA_RATE_LIMIT_RETRIES, oktaRetryWaitMs } from '../../lib/okta-retry-rule.js';
import { appTarget, groupTarget, userTarget, type AppRecord, type MappingRecord } from './records.js';
import { sendFrom, type EgressAnswer } from './egress.js';
import type { OktaState } from './state.js';

/** What a profile push sends of a user: a change in any of it is pushed. */
function profileKey(user: { profile: { login: string; firstName: string; lastName: string; email: string } }): string {
  return JSON.stringify([user.profile.login, user.profile.firstName, user.profile.lastName, user.profile.email]);
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RETRY_LIMIT = 5;
/** The User-Agent of Okta's SCIM client, as its guide shows every request. */
export const OKTA_SCIM_USER_AGENT = 'Okta SCIM Client 1.0.0';

/** What Cloudflare answered Okta's engine, as far as the engine reads it: a resource's id, a list's first, an error's words. */
interface ScimResult {
  status: number;
  body?: {
    id?: string;
    Resources?: Array<{ id: string; active?: boolean }>;
    detail?: string;
    errors?: Array<{ message?: string }>;
  };
}

class AuthFailed extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** What a task was about when the target rate-limited it: a user's provisioning or a group's push. */
type TaskSubject = { user: string } | { mapping: MappingRecord } | undefined;

class RateLimited extends Error {
  subject: TaskSubject;
  constructor(readonly retryAfter: string | null) {
    super('HTTP 429');
  }
}

/**
 * Okta's provisioning, emulated: once provisioning is on for an app, it really sends SCIM
 * requests to the configured base URL with the configured bearer token, some time after each
 * change, and records what happened in the System Log, as Okta does.
 */
export class ProvisioningEngine {
  /** Each app's next pass, waiting on the sandbox's clock: its cancel. */
  private readonly timers = new Map<string, () => void>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private readonly retries = new Map<string, number>();
  /** Apps whose provisioning the target rate-limited: the retries made so far, and the first 429's Retry-After. */
  private readonly paused = new Map<string, { retries: number; retryAfter: string | null }>();
  private stopped = false;

  constructor(
    private readonly state: OktaState,
    private readonly delayMs: number,
    /** The origins Okta's SCIM client may reach: the sandbox's Cloudflare emulator, and any a test names. */
    private readonly targets: ReadonlySet<string> = new Set(),
    /** The address Okta's requests leave from (egress.ts); undefined: the system's choice. */
    readonly egressAddress?: string,
    /** The sandbox's clock: the delay before each pass is on it. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** Wake provisioning for one app, or for all apps. */
  schedule(appId?: string, delay = this.delayMs): void {
    if (this.stopped) return;
    const ids = appId ? [appId] : [...this.state.apps.keys()];
    for (const id of ids) {
      if (this.running.has(id)) {
        this.rerun.add(id);
        continue;
      }
      if (this.timers.has(id)) continue;
      this.timers.set(
        id,
        later(this.clock, delay, () => this.start(id)),
      );
    }
  }

  /** Starts the work queued now instead of when its delay ends (tests that hold provisioning back, then let it go). */
  flush(): void {
    for (const [id, cancel] of [...this.timers]) {
      cancel();
      this.start(id);
    }
  }

  /** Whether a pass is sending its requests now (not one waiting for its moment). */
  working(): boolean {
    return this.running.size > 0;
  }

  /** Resolves once no provisioning work is queued or running (for tests and the demo). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.all([...this.running.values()]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 10));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private start(appId: string): void {
    this.timers.delete(appId);
    const app = this.state.apps.get(appId);
    if (!app) return;
    const run = this.reconcile(app)
      .then((transientFailure) => {
        if (!transientFailure) {
          this.retries.delete(appId);
          return;
        }
        const n = (this.retries.get(appId) ?? 0) + 1;
        this.retries.set(appId, n);
        if (n <= RETRY_LIMIT) this.rerunLater(appId, this.delayMs * 2 ** n);
      })
      .catch((error: unknown) => process.emitWarning(`provisioning ${appId}: ${(error as Error).stack}`))
      .finally(() => {
        this.running.delete(appId);
        if (this.rerun.delete(appId)) this.schedule(appId);
      });
    this.running.set(appId, run);
  }

  private rerunLater(appId: string, delay: number): void {
    if (!this.stopped && !this.timers.has(appId))
      this.timers.set(
        appId,
        later(this.clock, delay, () => this.start(appId)),
      );
  }

  /** One pass; returns true when something failed in a way worth retrying. */
  private async reconcile(app: AppRecord): Promise<boolean> {
    const p = app.provisioning;
    if (!p?.enabled || app.status !== 'ACTIVE' || !p.baseUrl) return false;
    const scim = (method: string, path: string, body?: unknown) => this.send(p.baseUrl, p.token, method, path, body);
    try {
      const passStartedAt = this.state.now();
      const a = await this.pushUsers(app, scim, passStartedAt);
      const profiles = await this.pushProfiles(app, scim, passStartedAt);
      const b = (await this.deprovisionUsers(app, scim)) || profiles;
      const c = await this.pushGroups(app, scim, passStartedAt);
      const d = await this.deleteTargets(app, scim);
      this.paused.delete(app.id);
      return a || b || c || d;
    } catch (error) {
      if (error instanceof RateLimited) {
        this.rateLimited(app, error);
        return false;
      }
      if (!(error instanceof AuthFailed)) throw error;
      this.authenticationFailed(app, error.status);
      return false;
    }
  }

  /** Okta's 429 rule: pause, log, and retry later; after the tenth retry, the task fails for good. */
  private rateLimited(app: AppRecord, error: RateLimited): void {
    const before = this.paused.get(app.id);
    const retryAfter = before ? before.retryAfter : error.retryAfter;
    const retry = (before?.retries ?? 0) + 1;
    const subject = error.subject;
    const targets = [...this.subjectTargets(subject), appTarget(app)];
    if (retry > OKTA_RATE_LIMIT_RETRIES) {
      this.paused.delete(app.id);
      const summary = `${app.label} answered HTTP 429 (rate limited) ${OKTA_RATE_LIMIT_RETRIES + 1} times; Okta stopped retrying: retry the task under Dashboard > Tasks.`;
      if (subject && 'mapping' in subject) {
        this.markError(app, subject.mapping, summary);
        return;
      }
      if (subject) app.failedTasks.set(subject.user, summary);
      this.state.log({
        eventType: 'application.provision.user.push',
        displayMessage: 'Push new user to external application',
        result: 'FAILURE',
        reason: summary,
        severity: 'ERROR',
        targets,
      });
      return;
    }
    const waitMs = oktaRetryWaitMs(retryAfter, retry);
    this.paused.set(app.id, { retries: retry, retryAfter });
    // The variant rateLimitPause=silent: Okta pauses without a word, and logs only a task out of retries.
    if (this.state.variants.rateLimitPause === 'logged')
      this.state.log({
        eventType: 'application.integration.rate_limit_exceeded',
        displayMessage: 'API rate limit exceeded',
        result: 'FAILURE',
        reason: `${app.label} answered HTTP 429 (rate limited): provisioning paused; retry ${retry} of ${OKTA_RATE_LIMIT_RETRIES} in ${waitMs / 1000} s`,
        severity: 'WARN',
        targets,
      });
    this.rerunLater(app.id, waitMs);
  }

  private reaches(baseUrl: string): boolean {
    try {
      return this.targets.has(new URL(baseUrl).origin);
    } catch {
      return false;
    }
  }

  private subjectTargets(subject: TaskSubject) {
    if (!subject) return [];
    if ('user' in subject) {
      const user = this.state.users.get(subject.user);
      return user ? [userTarget(user)] : [];
    }
    const group = this.state.groups.get(subject.mapping.sourceGroupId);
    return group ? [groupTarget(group)] : [];
  }

  private async send(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<ScimResult> {
    // A Base URL set through the control API (or a page) may name any address: the sandbox sends only where it serves, or where a test says.
    if (!this.reaches(baseUrl))
      return { status: 0, body: { detail: 'connection failed (the sandbox sends provisioning only to its own Cloudflare emulator)' } };
    let response: EgressAnswer;
    try {
      // From Okta's own address (egress.ts): a token limited to Okta's ranges lets Okta in and no one else.
      response = await sendFrom(this.egressAddress, baseUrl.replace(/\/+$/, '') + path, {
        method,
        // The headers of every request in Okta's SCIM guide.
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': OKTA_SCIM_USER_AGENT,
          accept: 'application/scim+json',
          ...(body ? { 'content-type': 'application/scim+json; charset=utf-8' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return { status: 0, body: { detail: 'connection failed' } };
    }
    const text = response.text;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { detail: text.slice(0, 200) };
    }
    if (response.status === 401 || response.status === 403) throw new AuthFailed(response.status);
    if (response.status === 429) throw new RateLimited(headerText(response.headers['retry-after']));
    // The engine's reads of it (an id, the first resource, an error's words) are each optional.
    return { status: response.status, body: parsed as ScimResult['body'] };
  }

  private async pushUsers(app: AppRecord, send: Scim, passStartedAt: string): Promise<boolean> {
    if (!app.provisioning?.createUsers) return false;
    let failed = false;
    for (const userId of this.state.assignedUsers(app).keys()) {
      if (app.provisioned.has(userId) || app.unprovisioned.has(userId) || app.failedTasks.has(userId)) continue;
      const user = this.state.users.get(userId);
      if (!user) continue;
      const scim = about({ user: userId }, send);
      const login = user.profile.login;
      const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq ${filterString(login)}`)}&startIndex=1&count=100`);
      let externalId: string | undefined;
      let reactivated = false;
      let result: ScimResult = found;
      if (found.status === 200) {
        const existing = found.body?.Resources?.[0];
        if (existing) {
          externalId = existing.id;
          if (existing.active === false) {
            result = await scim('PATCH', `/Users/${existing.id}`, activePatch(true));
            reactivated = true;
          }
        } else {
          result = await scim('POST', '/Users', {
            schemas: [USER_SCHEMA],
            userName: login,
            externalId: userId,
            active: true,
            name: { givenName: user.profile.firstName, familyName: user.profile.lastName },
            displayName: `${user.profile.firstName} ${user.profile.lastName}`,
            emails: [{ value: user.profile.email, type: 'work', primary: true }],
            // As the guide's create request shows: a locale, no groups, and a generated password.
            locale: 'en-US',
            groups: [],
            password: randomBytes(6).toString('base64url'),
          });
          externalId = result.body?.id;
        }
      }
      if (result.status >= 200 && result.status < 300 && externalId) {
        app.provisioned.set(userId, {
          externalId,
          lastSync: this.state.provisioningStamp(passStartedAt),
          syncState: 'SYNCHRONIZED',
          pushedProfile: profileKey(user),
        });
        // A user Cloudflare had and deactivated is reactivated, logged as that (the event catalogue), not as a new push.
        this.state.log({
          eventType: reactivated ? 'application.provision.user.reactivate' : 'application.provision.user.push',
          displayMessage: reactivated ? 'Push user reactivation in external application' : 'Push new user to external application',
          result: 'SUCCESS',
          targets: [userTarget(user), appTarget(app)],
        });
      } else {
        failed = true;
        this.state.log({
          eventType: 'application.provision.user.push',
          displayMessage: 'Push new user to external application',
          result: 'FAILURE',
          reason: scimDetail(result),
          targets: [userTarget(user), appTarget(app)],
          severity: 'WARN',
        });
      }
    }
    return failed;
  }

  /**
   * Update User Attributes on: a provisioned user whose profile changed in Okta is read and replaced in
   * the target (Okta's SCIM guide: GET /Users/{id}, then PUT with the whole user), logged as push_profile
   * . Off, as Cloudflare's guide leaves it, nothing is sent.
   */
  private async pushProfiles(app: AppRecord, send: Scim, passStartedAt: string): Promise<boolean> {
    if (!app.provisioning?.updateUserAttributes) return false;
    let failed = false;
    const assigned = this.state.assignedUsers(app);
    for (const [userId, pushed] of app.provisioned) {
      const user = this.state.users.get(userId);
      if (!user || !assigned.has(userId) || pushed.pushedProfile === profileKey(user)) continue;
      const scim = about({ user: userId }, send);
      const read = await scim('GET', `/Users/${pushed.externalId}`);
      const r =
        read.status === 200
          ? await scim('PUT', `/Users/${pushed.externalId}`, {
              schemas: [USER_SCHEMA],
              id: pushed.externalId,
              userName: user.profile.login,
              name: { givenName: user.profile.firstName, familyName: user.profile.lastName },
              displayName: `${user.profile.firstName} ${user.profile.lastName}`,
              emails: [{ value: user.profile.email, type: 'work', primary: true }],
              active: true,
            })
          : read;
      const ok = r.status >= 200 && r.status < 300;
      if (ok) Object.assign(pushed, { pushedProfile: profileKey(user), lastSync: this.state.provisioningStamp(passStartedAt) });
      else failed = true;
      this.state.log({
        eventType: 'application.provision.user.push_profile',
        displayMessage: 'Push user profile update to external application',
        result: ok ? 'SUCCESS' : 'FAILURE',
        ...(ok ? {} : { reason: scimDetail(r), severity: 'WARN' as const }),
        targets: [userTarget(user), appTarget(app)],
      });
    }
    return failed;
  }

  private async deprovisionUsers(app: AppRecord, send: Scim): Promise<boolean> {
    const assigned = this.state.assignedUsers(app);
    let failed = false;
    for (const [userId, pushed] of [...app.provisioned]) {
      if (assigned.has(userId)) continue;
      const user = this.state.users.get(userId);
      if (!app.provisioning?.deactivateUsers) {
        app.provisioned.delete(userId);
        continue;
      }
      const r = await about({ user: userId }, send)('PATCH', `/Users/${pushed.externalId}`, activePatch(false));
      const ok = (r.status >= 200 && r.status < 300) || r.status === 404;
      if (ok) app.provisioned.delete(userId);
      else failed = true;
      if (user)
        this.state.log({
          eventType: 'application.provision.user.deactivate',
          displayMessage: 'Deactivate user in external application',
          result: ok ? 'SUCCESS' : 'FAILURE',
          reason: ok ? undefined : scimDetail(r),
          targets: [userTarget(user), appTarget(app)],
        });
    }
    return failed;
  }

  private async pushGroups(app: AppRecord, send: Scim, passStartedAt: string): Promise<boolean> {
    const assigned = this.state.assignedUsers(app);
    let failed = false;
    for (const m of app.mappings.values()) {
      if (m.status !== 'ACTIVE') continue;
      const scim = about({ mapping: m }, send);
      const source = this.state.groups.get(m.sourceGroupId);
      if (!source) continue;
      const members = [...(this.state.members.get(source.id) ?? [])]
        .filter((id) => assigned.has(id))
        .map((id) => app.provisioned.get(id)?.externalId)
        .filter((id): id is string => Boolean(id))
        .sort();
      if (!m.scimGroupId) {
        // Okta does not push a group with no assigned members.
        if (members.length === 0 && !m.linkOnly) continue;
        const linked = await this.linkOrCreateGroup(m, scim);
        if (!linked.ok) {
          if (linked.permanent) this.markError(app, m, linked.summary);
          else {
            failed = true;
            this.retriedPushFailed(app, m, linked.summary);
          }
          continue;
        }
        this.state.log({
          eventType: 'application.provision.group_push.pushed',
          displayMessage: 'Push group to external application',
          result: 'SUCCESS',
          targets: [groupTarget(source), appTarget(app)],
        });
      }
      if (sameMembers(m.pushedMembers, members)) continue;
      // "The group name update operation is triggered each time there's a group membership update
      // operation" (Okta's SCIM guide): the name goes first, by the group's id, then the members.
      const named = await scim('PATCH', `/Groups/${m.scimGroupId}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', value: { id: m.scimGroupId, displayName: source.profile.name } }],
      });
      const loginOf = new Map([...app.provisioned].map(([userId, p]) => [p.externalId, this.state.users.get(userId)?.profile.login ?? '']));
      const r =
        named.status >= 200 && named.status < 300
          ? await scim('PATCH', `/Groups/${m.scimGroupId}`, {
              schemas: [PATCH_SCHEMA],
              Operations: membershipOperations(m.pushedMembers, members, (id) => loginOf.get(id) ?? ''),
            })
          : named;
      if (r.status === 404 && this.state.variants.deletedGroup === 'recreated') {
        // The variant's reading: Okta forgets the link and pushes the group afresh by name on its next pass.
        m.scimGroupId = undefined;
        m.pushedMembers = undefined;
        failed = true;
      } else if (r.status === 404) {
        // Okta does not re-create a linked group deleted in the target: the mapping goes into error
        // (Okta Help, "Group Push troubleshooting"; logged as ...mapping.update.or.delete.failed.with.error).
        this.markError(app, m, `Linked group is missing in ${app.label}. Unlink the group and push it again.`);
      } else if (r.status >= 200 && r.status < 300) {
        m.pushedMembers = members;
        m.lastPush = this.state.provisioningStamp(passStartedAt);
        // The catalogue's success of a membership push; group_membership.update is its failure.
        this.state.log({
          eventType: 'application.provision.group_push.push_memberships',
          displayMessage: 'Group push pushed memberships',
          result: 'SUCCESS',
          targets: [groupTarget(source), appTarget(app)],
        });
      } else if (isPermanent(r.status)) {
        this.markError(app, m, scimDetail(r));
      } else {
        failed = true;
        this.retriedPushFailed(app, m, scimDetail(r));
      }
    }
    return failed;
  }

  private async linkOrCreateGroup(m: MappingRecord, scim: Scim): Promise<{ ok: true } | { ok: false; permanent: boolean; summary: string }> {
    // A name with a lone surrogate has no UTF-8 form: Okta's client sends U+FFFD in its place, as any UTF-8 encoder does.
    const filter = `displayName eq ${filterString(m.targetGroupName)}`.replace(LONE_SURROGATE, '\ufffd');
    const found = await scim('GET', `/Groups?filter=${encodeURIComponent(filter)}`);
    if (found.status !== 200) return { ok: false, permanent: isPermanent(found.status), summary: scimDetail(found) };
    const existing = found.body?.Resources?.[0];
    if (existing) {
      m.scimGroupId = existing.id;
      return { ok: true };
    }
    // As Okta's SCIM guide shows it: a name and no members, no externalId.
    const created = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: m.targetGroupName, members: [] });
    if (created.status === 201 || created.status === 200) {
      m.scimGroupId = created.body?.id;
      m.pushedMembers = [];
      return { ok: true };
    }
    return { ok: false, permanent: isPermanent(created.status), summary: scimDetail(created) };
  }

  private async deleteTargets(app: AppRecord, scim: Scim): Promise<boolean> {
    let failed = false;
    for (const item of this.state.targetDeletes.filter((d) => d.appId === app.id)) {
      const r = await scim('DELETE', `/Groups/${item.scimGroupId}`);
      if ((r.status >= 200 && r.status < 300) || r.status === 404) this.state.targetDeletes.splice(this.state.targetDeletes.indexOf(item), 1);
      else failed = true;
      this.state.log({
        eventType: 'application.provision.group_push.delete_appgroup',
        displayMessage: 'Delete group in external application',
        result: r.status < 300 || r.status === 404 ? 'SUCCESS' : 'FAILURE',
        targets: [appTarget(app)],
      });
    }
    return failed;
  }

  /** A push Okta will retry (a 5xx, a lost answer): logged where the variant says Okta logs it, as its catalogue names it. */
  private retriedPushFailed(app: AppRecord, m: MappingRecord, summary: string): void {
    if (this.state.variants.retriedPushFailure !== 'logged') return;
    const source = this.state.groups.get(m.sourceGroupId);
    this.state.log({
      eventType: 'application.provision.group_push.mapping.update.or.delete.failed',
      displayMessage: 'Group push mapping change failed and will be retried',
      result: 'FAILURE',
      reason: summary,
      severity: 'WARN',
      targets: [...(source ? [groupTarget(source)] : []), appTarget(app)],
    });
  }

  private markError(app: AppRecord, m: MappingRecord, summary: string): void {
    m.status = 'ERROR';
    m.errorSummary = summary;
    m.lastUpdated = this.state.now();
    const source = this.state.groups.get(m.sourceGroupId);
    this.state.log({
      eventType: 'application.provision.group_push.mapping.update.or.delete.failed.with.error',
      displayMessage: 'Group push failed',
      result: 'FAILURE',
      reason: summary,
      severity: 'ERROR',
      targets: [...(source ? [groupTarget(source)] : []), appTarget(app)],
    });
  }

  private authenticationFailed(app: AppRecord, status: number): void {
    const summary = `Authentication to the external application failed (HTTP ${status}); check the API token on the Provisioning tab.`;
    this.state.log({
      eventType: 'application.integration.authentication_failure',
      displayMessage: 'Authentication failure with the external application',
      result: 'FAILURE',
      reason: summary,
      severity: 'ERROR',
      targets: [appTarget(app)],
    });
    for (const m of app.mappings.values()) if (m.status === 'ACTIVE') this.markError(app, m, summary);
  }
}

type Scim = (method: string, path: string, body?: unknown) => Promise<ScimResult>;

/** The requests of one task: a 429 among them is marked with what the task was about. */
function about(subject: TaskSubject, send: Scim): Scim {
  return async (method, path, body) => {
    try {
      return await send(method, path, body);
    } catch (error) {
      if (error instanceof RateLimited) error.subject ??= subject;
      throw error;
    }
  };
}

/** Activation and deactivation as Okta's SCIM guide shows them: a path-less replace. */
/**
 * Okta's SCIM guide ("Update specific Group membership"): changes go as incremental `add` of
 * `[{value, display}]` and `remove` at `members[value eq "…"]`. The first push after the group is
 * linked or its push activated knows nothing of the target's members, so it sends them whole.
 */
export function membershipOperations(before: string[] | undefined, after: string[], display: (id: string) => string): Array<Record<string, unknown>> {
  const entry = (value: string) => ({ value, display: display(value) });
  if (before === undefined) return [{ op: 'replace', path: 'members', value: after.map(entry) }];
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  return [
    ...(added.length ? [{ op: 'add', path: 'members', value: added.map(entry) }] : []),
    ...removed.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
  ];
}

function activePatch(active: boolean) {
  return { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active } }] };
}

function scimDetail(r: ScimResult): string {
  const detail = r.body?.detail ?? r.body?.errors?.[0]?.message;
  return `HTTP ${r.status}${detail ? `: ${detail}` : ''}`;
}

function sameMembers(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A 4xx other than 429 will fail again; 429s, 5xx and lost connections are retried. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}
