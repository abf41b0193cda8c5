import { FilterSyntaxError, parseFilter, type Predicate } from '../http/filter.js';
import { oktaPage } from '../http/paginate.js';
import { fieldsOf, filled, isRecord, text } from '../http/body.js';
import type { Req, Res, Route } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext, type OktaHandler } from './context.js';
import { notFound, validation } from './errors.js';
import { findGroup, findUser } from './lookup.js';
import type { OktaGroup, OktaUser } from './records.js';
import { serializeGroup, serializeUser } from './serialize.js';
import type { OktaState } from './state.js';
import { oktaBody } from './bodies.js';

const CORE_PROFILE = new Set(['login', 'email', 'firstName', 'lastName']);

/** Profile attributes beyond the four every user has; null stays null, as Okta stores it. */
function withoutCore(profile: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(profile).filter(([k]) => !CORE_PROFILE.has(k)));
}

function predicate(expression: string | null): Predicate | undefined {
  if (!expression) return undefined;
  try {
    return parseFilter(expression);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw validation(`search: ${error.message}`);
    throw error;
  }
}

function listGroups({ state }: OktaContext, req: Req): Res {
  let groups = [...state.groups.values()];
  const q = req.query.get('q');
  if (q) groups = groups.filter((g) => g.profile.name.toLowerCase().startsWith(q.toLowerCase())).slice(0, Number(req.query.get('limit') ?? 300));
  for (const expr of [req.query.get('search'), req.query.get('filter')]) {
    const p = predicate(expr);
    if (p) groups = groups.filter(p);
  }
  const stats = (req.query.get('expand') ?? '').split(',').includes('stats');
  const view = (g: OktaGroup) => ({ ...serializeGroup(g, req.baseUrl), ...(stats ? { _embedded: { stats: groupStats(state, g) } } : {}) });
  // `q` results are not paged at Okta; search and plain lists are.
  if (q) return { status: 200, body: groups.map(view) };
  const { page, headers } = oktaPage(req, groups, 10000, 10000);
  return { status: 200, body: page.map(view), headers };
}

/** Okta's `expand=stats`: counts of the group's members, apps and push mappings. */
function groupStats(state: OktaState, g: OktaGroup) {
  const apps = [...state.apps.values()];
  return {
    usersCount: state.members.get(g.id)?.size ?? 0,
    appsCount: apps.filter((a) => a.groups.has(g.id)).length,
    groupPushMappingsCount: apps.reduce((n, a) => n + [...a.mappings.values()].filter((m) => m.sourceGroupId === g.id).length, 0),
    hasAdminPrivilege: false,
  };
}

function listUsers({ state }: OktaContext, req: Req): Res {
  let users = [...state.users.values()];
  const q = req.query.get('q');
  if (q) {
    const needle = q.toLowerCase();
    users = users.filter((u) => [u.profile.login, u.profile.email, u.profile.firstName, u.profile.lastName].some((v) => v.toLowerCase().startsWith(needle)));
  }
  for (const expr of [req.query.get('search'), req.query.get('filter')]) {
    const p = predicate(expr);
    if (p) users = users.filter(p);
  }
  const { page, headers } = oktaPage(req, users, 200, q ? 10 : 200);
  return { status: 200, body: page.map((u) => serializeUser(u, req.baseUrl, true)), headers };
}

function listLogs({ state }: OktaContext, req: Req): Res {
  const since = req.query.get('since');
  const until = req.query.get('until');
  let events = state.logs.filter((e) => (!since || e.published >= new Date(since).toISOString()) && (!until || e.published < new Date(until).toISOString()));
  const p = predicate(req.query.get('filter'));
  if (p) events = events.filter(p);
  // `q`: every word must appear in the event (its message, type, actor or targets), case-insensitive.
  const words = (req.query.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length)
    events = events.filter((e) => words.every((w) => JSON.stringify([e.displayMessage, e.eventType, e.actor, e.target]).toLowerCase().includes(w)));
  if (req.query.get('sortOrder') === 'DESCENDING') events = [...events].reverse();
  // A polling request (no `until`, ascending) has no last page: Okta's System Log guide says a `next` link is always
  // there, the event list possibly empty. A bounded one (since and until) ends.
  const polling = until === null && req.query.get('sortOrder') !== 'DESCENDING';
  const { page, headers } = oktaPage(req, events, 100, 1000, polling);
  return { status: 200, body: page, headers };
}

/** The spec's Group body: a profile with a name and a description. */
function groupProfile(body: unknown): OktaGroup['profile'] {
  const profile = fieldsOf<'name' | 'description'>(oktaBody('POST /api/v1/groups', body).profile);
  const name = filled(profile.name);
  if (name === undefined) throw validation('profile.name: The field cannot be left blank.');
  return { name, description: text(profile.description) ?? '' };
}

function createGroup({ state }: OktaContext, req: Req): Res {
  const { name, description } = groupProfile(req.body);
  return { status: 200, body: serializeGroup(state.createGroup(name, description ?? ''), req.baseUrl) };
}

function updateGroup({ state }: OktaContext, req: Req): Res {
  const group = findGroup(state, req.params.groupId);
  state.updateGroup(group, groupProfile(req.body));
  return { status: 200, body: serializeGroup(group, req.baseUrl) };
}

function deleteGroup({ state }: OktaContext, req: Req): Res {
  state.deleteGroup(findGroup(state, req.params.groupId));
  return { status: 204 };
}

function addMember({ state }: OktaContext, req: Req): Res {
  const group = findGroup(state, req.params.groupId);
  const user = state.users.get(req.params.userId);
  if (!user) throw notFound(`User ${req.params.userId}`);
  state.addMember(group, user);
  return { status: 204 };
}

function removeMember({ state }: OktaContext, req: Req): Res {
  state.removeMember(findGroup(state, req.params.groupId), findUser(state, req.params.userId));
  return { status: 204 };
}

function listMembers({ state }: OktaContext, req: Req): Res {
  const members = state.members.get(findGroup(state, req.params.groupId).id) ?? new Set<string>();
  const users = [...members].flatMap((id) => state.users.get(id) ?? []);
  const { page, headers } = oktaPage(req, users, 1000, 1000);
  return { status: 200, body: page.map((u) => serializeUser(u, req.baseUrl, true)), headers };
}

/** The spec's CreateUserRequest: the profile (login, email and both names required) and, maybe, a password. */
function createUser({ state }: OktaContext, req: Req): Res {
  const body = oktaBody('POST /api/v1/users', req.body);
  const p = fieldsOf(body.profile);
  const core = { login: filled(p.login), email: filled(p.email), firstName: filled(p.firstName), lastName: filled(p.lastName) };
  const causes = Object.entries(core)
    .filter(([, v]) => v === undefined)
    .map(([k]) => `${k}: The field cannot be left blank`);
  if (causes.length) throw validation(...causes);
  const password = fieldsOf<'value'>(fieldsOf<'password'>(body.credentials).password).value;
  const profile = { ...userProfile(p), ...withoutCore(p) };
  // Without a password an activated user waits for one: Okta calls that PROVISIONED.
  const user = state.createUser(profile, req.query.get('activate') !== 'false', typeof password === 'string');
  return { status: 200, body: serializeUser(user, req.baseUrl) };
}

/** The four core attributes (empty when absent) and the two Okta keeps as null. */
function userProfile(p: Record<string, unknown>): OktaUser['profile'] {
  return {
    firstName: String(p.firstName ?? ''),
    lastName: String(p.lastName ?? ''),
    email: String(p.email ?? ''),
    login: String(p.login ?? ''),
    mobilePhone: null,
    secondEmail: null,
  };
}

function updateUser({ state }: OktaContext, req: Req): Res {
  const user = findUser(state, req.params.userId);
  const p = oktaBody('PUT /api/v1/users/{id}', req.body).profile;
  if (!isRecord(p) || typeof p.login !== 'string') throw validation('login: The field cannot be left blank');
  // PUT replaces the profile: what the body leaves out is cleared.
  state.replaceUserProfile(user, { ...userProfile(p), ...withoutCore(p) });
  return { status: 200, body: serializeUser(user, req.baseUrl) };
}

const userLifecycle =
  (to: 'activate' | 'deactivate'): OktaHandler =>
  ({ state }, req) => {
    const user = findUser(state, req.params.userId);
    if (to === 'activate') state.activateUser(user);
    else state.deactivateUser(user);
    return { status: 200, body: {} };
  };

function deleteUser({ state }: OktaContext, req: Req): Res {
  state.deleteUser(findUser(state, req.params.userId));
  return { status: 204 };
}

function userGroups({ state }: OktaContext, req: Req): Res {
  const user = findUser(state, req.params.userId);
  const groups = [...state.groups.values()].filter((g) => state.members.get(g.id)?.has(user.id));
  const { page, headers } = oktaPage(req, groups, 10000, 10000);
  return { status: 200, body: page.map((g) => serializeGroup(g, req.baseUrl)), headers };
}

/** Users, groups, group members and the System Log. */
export function directoryRoutes(ctx: OktaContext): Route[] {
  const groups = routesIn(BUCKETS.groups, ctx);
  const users = routesIn(BUCKETS.users, ctx);
  return [
    groups('GET', '/api/v1/groups', SCOPES.groupsRead, listGroups),
    groups('POST', '/api/v1/groups', SCOPES.groupsManage, createGroup),
    groups('PUT', '/api/v1/groups/{groupId}/users/{userId}', SCOPES.groupsManage, addMember),
    groups('DELETE', '/api/v1/groups/{groupId}/users/{userId}', SCOPES.groupsManage, removeMember),
    groups('PUT', '/api/v1/groups/{groupId}', SCOPES.groupsManage, updateGroup),
    groups('DELETE', '/api/v1/groups/{groupId}', SCOPES.groupsManage, deleteGroup),
    groups('GET', '/api/v1/groups/{groupId}', SCOPES.groupsRead, ({ state }, req) => ({
      status: 200,
      body: serializeGroup(findGroup(state, req.params.groupId), req.baseUrl),
    })),
    groups('GET', '/api/v1/groups/{groupId}/users', SCOPES.groupsRead, listMembers),
    users('POST', '/api/v1/users', SCOPES.usersManage, createUser),
    users('PUT', '/api/v1/users/{userId}', SCOPES.usersManage, updateUser),
    users('DELETE', '/api/v1/users/{userId}', SCOPES.usersManage, deleteUser),
    users('POST', '/api/v1/users/{userId}/lifecycle/activate', SCOPES.usersManage, userLifecycle('activate')),
    users('POST', '/api/v1/users/{userId}/lifecycle/deactivate', SCOPES.usersManage, userLifecycle('deactivate')),
    users('GET', '/api/v1/users', SCOPES.usersRead, listUsers),
    users('GET', '/api/v1/users/{userId}', SCOPES.usersRead, ({ state }, req) => ({
      status: 200,
      body: serializeUser(findUser(state, req.params.userId), req.baseUrl),
    })),
    users('GET', '/api/v1/users/{userId}/groups', SCOPES.usersRead, userGroups),
    routesIn(BUCKETS.logs, ctx)('GET', '/api/v1/logs', SCOPES.logsRead, listLogs),
  ];
}
