import type { RecordedExchange } from '../../lib/har.js';
import { isRecord } from '../../lib/is-record.js';
import { parseJsonOrUndefined } from '../../lib/json.js';
import { guideProvisioning } from '../admin.js';
import type { AppRecord } from '../okta/records.js';
import type { Sandbox } from '../sandbox.js';

/**
 * The world a recording read, made in a fresh sandbox before the replay: the org's groups and
 * users, and each app the recording found without making it (a `verify` recording reads an app an
 * earlier run made) with what was read of it: provisioning on or off, its assigned groups and
 * users, its push mappings. Without it the replay asks for an app the sandbox never had, and
 * every answer is a 404 that no real service gave. Each recorded id is mapped onto the one made.
 */
export function buildRecordedWorld(exchanges: RecordedExchange[], sandbox: Sandbox, ids: Map<string, string>): void {
  const okta = exchanges.filter((x) => isOktaApi(new URL(x.url).pathname));
  seedDirectory(okta, sandbox, ids);
  // An app the recording made is made again by its replayed request, not beforehand.
  const made = new Set(
    okta
      .filter((x) => x.method === 'POST' && new URL(x.url).pathname === '/api/v1/apps')
      .flatMap((x) => recordedApps(parseJsonOrUndefined(x.responseBody)).map((a) => a.id)),
  );
  for (const x of okta)
    for (const app of recordedApps(parseJsonOrUndefined(x.responseBody))) if (!made.has(app.id) && !ids.has(app.id)) buildApp(app, okta, sandbox, ids);
}

function isOktaApi(pathname: string): boolean {
  return pathname.startsWith('/api/v1/');
}

/** The answers (2xx, JSON) recorded for one Okta path, in order. */
function answersAt(exchanges: RecordedExchange[], pathname: string): unknown[] {
  return exchanges.filter((x) => x.method === 'GET' && x.status < 300 && new URL(x.url).pathname === pathname).map((x) => parseJsonOrUndefined(x.responseBody));
}

function listAt(exchanges: RecordedExchange[], pathname: string): Record<string, unknown>[] {
  return answersAt(exchanges, pathname).flatMap((body) => (Array.isArray(body) ? body.filter(isRecord) : []));
}

/** The recorded org's groups and users, made in the sandbox (or found there by name), so that searches and ids resolve. */
function seedDirectory(exchanges: RecordedExchange[], sandbox: Sandbox, ids: Map<string, string>): void {
  const state = sandbox.okta.state;
  const groupsByName = new Map([...state.groups.values()].filter((g) => g.type === 'OKTA_GROUP').map((g) => [g.profile.name, g.id]));
  const usersByLogin = new Map([...state.users.values()].map((u) => [u.profile.login, u.id]));
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!isRecord(value)) return;
    const profile = isRecord(value.profile) ? value.profile : {};
    const id = typeof value.id === 'string' ? value.id : '';
    if (id.startsWith('00g') && value.type === 'OKTA_GROUP' && typeof profile.name === 'string' && !ids.has(id)) {
      const name = profile.name;
      const made = groupsByName.get(name) ?? state.addGroup(name, null, 'OKTA_GROUP').id;
      groupsByName.set(name, made);
      ids.set(id, made);
    } else if (id.startsWith('00u') && typeof profile.login === 'string' && !ids.has(id)) {
      const login = profile.login;
      const made =
        usersByLogin.get(login) ??
        state.addUser(login, String(profile.firstName ?? 'Recorded'), String(profile.lastName ?? 'User'), String(profile.email ?? login)).id;
      usersByLogin.set(login, made);
      ids.set(id, made);
    }
    for (const v of Object.values(value)) visit(v);
  };
  for (const x of exchanges) visit(parseJsonOrUndefined(x.responseBody));
  // Memberships as the recording read them.
  for (const x of exchanges) {
    const m = /\/api\/v1\/groups\/([^/]+)\/users$/.exec(new URL(x.url).pathname);
    const members = parseJsonOrUndefined(x.responseBody);
    const groupId = m ? ids.get(m[1]) : undefined;
    if (!groupId || !Array.isArray(members)) continue;
    for (const u of members) {
      const userId = isRecord(u) && typeof u.id === 'string' ? ids.get(u.id) : undefined;
      if (userId) state.members.get(groupId)?.add(userId);
    }
  }
}

interface RecordedApp {
  id: string;
  name: string;
  label: string;
  signOnMode: string;
  status: AppRecord['status'];
}

/** Apps in one answer (an app, or a list of them): those with the fields Okta always gives an app. */
function recordedApps(body: unknown): RecordedApp[] {
  return (Array.isArray(body) ? body : [body]).flatMap((o) =>
    isRecord(o) &&
    typeof o.id === 'string' &&
    o.id.startsWith('0oa') &&
    typeof o.name === 'string' &&
    typeof o.label === 'string' &&
    typeof o.signOnMode === 'string'
      ? [{ id: o.id, name: o.name, label: o.label, signOnMode: o.signOnMode, status: o.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE' }]
      : [],
  );
}

/**
 * Whether the recorded app provisioned: its connection read ENABLED, or, where Okta does not show the
 * connection (UNKNOWN for an app outside the connection API's list), Okta's marks of its pushes: an app
 * user with an externalId, a mapping with a lastPush.
 */
function provisioningWasOn(exchanges: RecordedExchange[], at: string): boolean {
  const connection = answersAt(exchanges, `${at}/connections/default`).find(isRecord);
  if (connection?.status === 'ENABLED') return true;
  if (connection?.status === 'DISABLED') return false;
  return (
    listAt(exchanges, `${at}/users`).some((u) => typeof u.externalId === 'string') ||
    listAt(exchanges, `${at}/group-push/mappings`).some((m) => typeof m.lastPush === 'string')
  );
}

/**
 * One recorded app as the recording read it. Provisioning is turned on first (as scim-setup's guided
 * step leaves it) when the recording shows it was on, so that the groups assigned after it are
 * provisioned, not left waiting as users assigned before provisioning was on.
 */
function buildApp(recorded: RecordedApp, exchanges: RecordedExchange[], sandbox: Sandbox, ids: Map<string, string>): void {
  const state = sandbox.okta.state;
  const app = state.createApp({
    name: recorded.name,
    label: recorded.label,
    signOnMode: recorded.signOnMode,
    status: recorded.status,
    visibility: { autoLaunch: false, autoSubmitToolbar: false, hide: { iOS: false, web: false }, appLinks: {} },
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    settings: {},
  });
  ids.set(recorded.id, app.id);
  const at = `/api/v1/apps/${recorded.id}`;
  if (provisioningWasOn(exchanges, at))
    state.setProvisioning(app, { ...guideProvisioning(sandbox.scimBaseUrl, sandbox.cloudflare.scimToken.value), enabled: true });
  for (const assignment of listAt(exchanges, `${at}/groups`)) {
    const group = typeof assignment.id === 'string' ? state.groups.get(ids.get(assignment.id) ?? '') : undefined;
    if (group) state.assignGroup(app, group, undefined, undefined);
  }
  for (const appUser of listAt(exchanges, `${at}/users`)) {
    if (appUser.scope !== 'USER') continue;
    const user = directUser(appUser, sandbox, ids);
    if (user) state.assignUser(app, user);
  }
  for (const mapping of listAt(exchanges, `${at}/group-push/mappings`)) {
    const source = typeof mapping.sourceGroupId === 'string' ? state.groups.get(ids.get(mapping.sourceGroupId) ?? '') : undefined;
    if (!source || typeof mapping.id !== 'string' || ids.has(mapping.id)) continue;
    const made = state.createMapping(app, source, { name: source.profile.name }, mapping.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE');
    ids.set(mapping.id, made.id);
    if (typeof mapping.targetGroupId === 'string') ids.set(mapping.targetGroupId, made.targetGroupId);
  }
}

/** The Okta user behind an app user assigned directly: by its mapped id, else by its user name (its login, as scim-setup's app keeps it). */
function directUser(appUser: Record<string, unknown>, sandbox: Sandbox, ids: Map<string, string>) {
  const state = sandbox.okta.state;
  if (typeof appUser.id !== 'string') return undefined;
  const known = state.users.get(ids.get(appUser.id) ?? '');
  if (known) return known;
  const userName = isRecord(appUser.credentials) ? appUser.credentials.userName : undefined;
  if (typeof userName !== 'string') return undefined;
  const user = [...state.users.values()].find((u) => u.profile.login === userName) ?? state.addUser(userName, 'Recorded', 'User', userName);
  ids.set(appUser.id, user.id);
  return user;
}
