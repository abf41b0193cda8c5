import { FilterSyntaxError, parseFilter, type Predicate } from '../http/filter.js';
import { oktaPage } from '../http/paginate.js';
import type { Req, Route } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext } from './context.js';
import { notFound, oktaFailure, validation } from './errors.js';
import { serializeGroup, serializeUser } from './serialize.js';
import { findGroup as lookupGroup, findUser as lookupUser } from './lookup.js';
import { groupTarget, userTarget, type OktaGroup } from './state.js';

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

/** Users, groups, group members and the System Log. */
export function directoryRoutes(ctx: OktaContext): Route[] {
  const { state } = ctx;
  const route = (method: string, template: string, grants: string[], bucket: string, handler: Route['handler']): Route =>
    routesIn(bucket)(method, template, grants, handler);

  const listGroups = (req: Req) => {
    let groups = [...state.groups.values()];
    const q = req.query.get('q');
    if (q) groups = groups.filter((g) => g.profile.name.toLowerCase().startsWith(q.toLowerCase())).slice(0, Number(req.query.get('limit') ?? 300));
    for (const expr of [req.query.get('search'), req.query.get('filter')]) {
      const p = predicate(expr);
      if (p) groups = groups.filter(p);
    }
    const stats = (req.query.get('expand') ?? '').split(',').includes('stats');
    const view = (g: OktaGroup) => ({ ...serializeGroup(g, req.baseUrl), ...(stats ? { _embedded: { stats: groupStats(g) } } : {}) });
    // `q` results are not paged at Okta; search and plain lists are.
    if (q) return { status: 200, body: groups.map(view) };
    const { page, headers } = oktaPage(req, groups, 10000, 10000);
    return { status: 200, body: page.map(view), headers };
  };

  /** Okta's `expand=stats`: counts of the group's members, apps and push mappings. */
  const groupStats = (g: OktaGroup) => {
    const apps = [...state.apps.values()];
    return {
      usersCount: state.members.get(g.id)?.size ?? 0,
      appsCount: apps.filter((a) => a.groups.has(g.id)).length,
      groupPushMappingsCount: apps.reduce((n, a) => n + [...a.mappings.values()].filter((m) => m.sourceGroupId === g.id).length, 0),
      hasAdminPrivilege: false,
    };
  };

  const listUsers = (req: Req) => {
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
  };

  const logs = (req: Req) => {
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
    const { page, headers } = oktaPage(req, events, 100, 1000);
    return { status: 200, body: page, headers };
  };

  const createGroup = (req: Req) => {
    const name = (req.body as { profile?: { name?: unknown; description?: unknown } } | undefined)?.profile?.name;
    if (typeof name !== 'string' || name.trim() === '') throw validation('profile.name: The field cannot be left blank.');
    if ([...state.groups.values()].some((g) => g.type === 'OKTA_GROUP' && g.profile.name === name))
      throw validation('profile.name: An object with this field already exists in the current organization');
    const description = (req.body as { profile?: { description?: unknown } }).profile?.description;
    const group = state.addGroup(name, typeof description === 'string' ? description : '', 'OKTA_GROUP');
    state.log({ eventType: 'group.lifecycle.create', displayMessage: 'Create Okta group', result: 'SUCCESS', targets: [groupTarget(group)] });
    return { status: 200, body: serializeGroup(group, req.baseUrl) };
  };

  const findGroup = (id: string) => lookupGroup(state, id);
  const findUser = (id: string) => lookupUser(state, id);
  const oktaGroupOnly = (g: OktaGroup) => {
    if (g.type !== 'OKTA_GROUP') throw validation('Only Okta groups can be changed through this API.');
  };

  const updateGroup = (req: Req) => {
    const g = findGroup(req.params.groupId);
    oktaGroupOnly(g);
    const profile = (req.body as { profile?: { name?: unknown; description?: unknown } } | undefined)?.profile;
    if (typeof profile?.name !== 'string' || profile.name.trim() === '') throw validation('profile.name: The field cannot be left blank.');
    g.profile = { name: profile.name, description: typeof profile.description === 'string' ? profile.description : '' };
    g.lastUpdated = state.now();
    ctx.changed();
    return { status: 200, body: serializeGroup(g, req.baseUrl) };
  };

  const deleteGroup = (req: Req) => {
    const g = findGroup(req.params.groupId);
    if (g.type === 'BUILT_IN')
      throw oktaFailure(403, 'E0000006', 'You do not have permission to perform the requested action', ['The Everyone group cannot be deleted.']);
    state.deleteGroup(g.id);
    state.log({ eventType: 'group.lifecycle.delete', displayMessage: 'Delete Okta group', result: 'SUCCESS', targets: [groupTarget(g)] });
    ctx.changed();
    return { status: 204 };
  };

  const removeMember = (req: Req) => {
    const g = findGroup(req.params.groupId);
    oktaGroupOnly(g);
    const member = findUser(req.params.userId);
    state.members.get(g.id)!.delete(member.id);
    g.lastMembershipUpdated = state.now();
    state.log({
      eventType: 'group.user_membership.remove',
      displayMessage: 'Remove user from group membership',
      result: 'SUCCESS',
      targets: [userTarget(member), groupTarget(g)],
    });
    ctx.changed();
    return { status: 204 };
  };

  const createUser = (req: Req) => {
    const body = (req.body ?? {}) as { profile?: Record<string, unknown>; credentials?: { password?: { value?: unknown } } };
    const p = body.profile ?? {};
    const causes = ['login', 'email', 'firstName', 'lastName']
      .filter((k) => typeof p[k] !== 'string' || (p[k] as string).trim() === '')
      .map((k) => `${k}: The field cannot be left blank`);
    if (causes.length) throw validation(...causes);
    if ([...state.users.values()].some((u) => u.profile.login.toLowerCase() === String(p.login).toLowerCase()))
      throw validation('login: An object with this field already exists in the current organization');
    const user = state.addUser(String(p.login), String(p.firstName), String(p.lastName), String(p.email));
    Object.assign(user.profile, withoutCore(p));
    user.status = 'STAGED';
    user.activated = null;
    user.statusChanged = null;
    // Without a password an activated user waits for one: Okta calls that PROVISIONED.
    if (req.query.get('activate') !== 'false') state.setUserStatus(user, typeof body.credentials?.password?.value === 'string' ? 'ACTIVE' : 'PROVISIONED');
    state.log({ eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user', result: 'SUCCESS', targets: [userTarget(user)] });
    return { status: 200, body: serializeUser(user, req.baseUrl) };
  };

  const updateUser = (req: Req) => {
    const user = findUser(req.params.userId);
    const p = ((req.body ?? {}) as { profile?: Record<string, unknown> }).profile;
    if (!p || typeof p.login !== 'string') throw validation('login: The field cannot be left blank');
    // PUT replaces the profile: what the body leaves out is cleared.
    user.profile = {
      firstName: String(p.firstName ?? ''),
      lastName: String(p.lastName ?? ''),
      email: String(p.email ?? ''),
      login: p.login,
      mobilePhone: null,
      secondEmail: null,
      ...withoutCore(p),
    };
    user.lastUpdated = state.now();
    ctx.changed();
    return { status: 200, body: serializeUser(user, req.baseUrl) };
  };

  const lifecycle = (to: 'activate' | 'deactivate') => (req: Req) => {
    const user = findUser(req.params.userId);
    if (to === 'activate') {
      if (user.status === 'ACTIVE' || user.status === 'PROVISIONED') throw validation('Activation failed because the user is already active');
      state.setUserStatus(user, 'PROVISIONED');
    } else {
      state.setUserStatus(user, 'DEPROVISIONED');
    }
    state.log({
      eventType: `user.lifecycle.${to}`,
      displayMessage: to === 'activate' ? 'Activate Okta user' : 'Deactivate Okta user',
      result: 'SUCCESS',
      targets: [userTarget(user)],
    });
    ctx.changed();
    return { status: 200, body: {} };
  };

  /** Okta deletes in two steps: the first DELETE deactivates, the second deletes. */
  const deleteUser = (req: Req) => {
    const user = findUser(req.params.userId);
    const deleting = user.status === 'DEPROVISIONED';
    if (deleting) state.deleteUser(user.id);
    else state.setUserStatus(user, 'DEPROVISIONED');
    state.log({
      eventType: deleting ? 'user.lifecycle.delete.initiated' : 'user.lifecycle.deactivate',
      displayMessage: deleting ? 'Delete Okta user' : 'Deactivate Okta user',
      result: 'SUCCESS',
      targets: [userTarget(user)],
    });
    ctx.changed();
    return { status: 204 };
  };

  const addMember = (req: Req) => {
    const members = state.members.get(req.params.groupId);
    const group = state.groups.get(req.params.groupId);
    if (!members || !group) throw notFound(`UserGroup ${req.params.groupId}`);
    if (group.type !== 'OKTA_GROUP') throw validation('Only members of Okta groups can be managed.');
    if (!state.users.has(req.params.userId)) throw notFound(`User ${req.params.userId}`);
    members.add(req.params.userId);
    group.lastMembershipUpdated = state.now();
    state.log({
      eventType: 'group.user_membership.add',
      displayMessage: 'Add user to group membership',
      result: 'SUCCESS',
      targets: [userTarget(state.users.get(req.params.userId)!), groupTarget(group)],
    });
    ctx.changed();
    return { status: 204 };
  };

  return [
    route('GET', '/api/v1/groups', SCOPES.groupsRead, BUCKETS.groups, listGroups),
    route('POST', '/api/v1/groups', SCOPES.groupsManage, BUCKETS.groups, createGroup),
    route('PUT', '/api/v1/groups/{groupId}/users/{userId}', SCOPES.groupsManage, BUCKETS.groups, addMember),
    route('DELETE', '/api/v1/groups/{groupId}/users/{userId}', SCOPES.groupsManage, BUCKETS.groups, removeMember),
    route('PUT', '/api/v1/groups/{groupId}', SCOPES.groupsManage, BUCKETS.groups, updateGroup),
    route('DELETE', '/api/v1/groups/{groupId}', SCOPES.groupsManage, BUCKETS.groups, deleteGroup),
    route('POST', '/api/v1/users', SCOPES.usersManage, BUCKETS.users, createUser),
    route('PUT', '/api/v1/users/{userId}', SCOPES.usersManage, BUCKETS.users, updateUser),
    route('DELETE', '/api/v1/users/{userId}', SCOPES.usersManage, BUCKETS.users, deleteUser),
    route('POST', '/api/v1/users/{userId}/lifecycle/activate', SCOPES.usersManage, BUCKETS.users, lifecycle('activate')),
    route('POST', '/api/v1/users/{userId}/lifecycle/deactivate', SCOPES.usersManage, BUCKETS.users, lifecycle('deactivate')),
    route('GET', '/api/v1/groups/{groupId}', SCOPES.groupsRead, BUCKETS.groups, (req) => ({
      status: 200,
      body: serializeGroup(findGroup(req.params.groupId), req.baseUrl),
    })),
    route('GET', '/api/v1/groups/{groupId}/users', SCOPES.groupsRead, BUCKETS.groups, (req) => {
      const members = state.members.get(req.params.groupId);
      if (!members) throw notFound(`UserGroup ${req.params.groupId}`);
      const { page, headers } = oktaPage(req, [...members], 1000, 1000);
      return { status: 200, body: page.map((id) => serializeUser(state.users.get(id)!, req.baseUrl, true)), headers };
    }),
    route('GET', '/api/v1/users', SCOPES.usersRead, BUCKETS.users, listUsers),
    route('GET', '/api/v1/users/{userId}', SCOPES.usersRead, BUCKETS.users, (req) => ({
      status: 200,
      body: serializeUser(findUser(req.params.userId), req.baseUrl),
    })),
    route('GET', '/api/v1/users/{userId}/groups', SCOPES.usersRead, BUCKETS.users, (req) => {
      const user = findUser(req.params.userId);
      const groups = [...state.groups.values()].filter((g) => state.members.get(g.id)?.has(user.id));
      const { page, headers } = oktaPage(req, groups, 10000, 10000);
      return { status: 200, body: page.map((g) => serializeGroup(g, req.baseUrl)), headers };
    }),
    route('GET', '/api/v1/logs', SCOPES.logsRead, BUCKETS.logs, logs),
  ];
}
