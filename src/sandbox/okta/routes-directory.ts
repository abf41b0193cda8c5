import { FilterSyntaxError, parseFilter, type Predicate } from '../http/filter.js';
import { oktaPage } from '../http/paginate.js';
import type { Req, Route } from '../http/types.js';
import { BUCKETS, SCOPES, type OktaContext } from './context.js';
import { notFound, validation } from './errors.js';
import { serializeGroup, serializeUser } from './serialize.js';

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
  const route = (method: string, template: string, grants: string[], bucket: string, handler: Route['handler']): Route => ({ method, template, grants, bucket, handler });

  const listGroups = (req: Req) => {
    let groups = [...state.groups.values()];
    const q = req.query.get('q');
    if (q) groups = groups.filter((g) => g.profile.name.toLowerCase().startsWith(q.toLowerCase())).slice(0, Number(req.query.get('limit') ?? 300));
    for (const expr of [req.query.get('search'), req.query.get('filter')]) {
      const p = predicate(expr);
      if (p) groups = groups.filter(p);
    }
    // `q` results are not paged at Okta; search and plain lists are.
    if (q) return { status: 200, body: groups.map((g) => serializeGroup(g, req.baseUrl)) };
    const { page, headers } = oktaPage(req, groups, 10000, 10000);
    return { status: 200, body: page.map((g) => serializeGroup(g, req.baseUrl)), headers };
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
    return { status: 200, body: page.map((u) => serializeUser(u, req.baseUrl)), headers };
  };

  const logs = (req: Req) => {
    const since = req.query.get('since');
    const until = req.query.get('until');
    let events = state.logs.filter((e) => (!since || e.published >= new Date(since).toISOString()) && (!until || e.published < new Date(until).toISOString()));
    const p = predicate(req.query.get('filter'));
    if (p) events = events.filter(p);
    if (req.query.get('sortOrder') === 'DESCENDING') events = [...events].reverse();
    const { page, headers } = oktaPage(req, events, 100, 1000);
    return { status: 200, body: page, headers };
  };

  const createGroup = (req: Req) => {
    const name = (req.body as { profile?: { name?: unknown; description?: unknown } } | undefined)?.profile?.name;
    if (typeof name !== 'string' || name.trim() === '') throw validation('profile.name: The field cannot be left blank.');
    if ([...state.groups.values()].some((g) => g.type === 'OKTA_GROUP' && g.profile.name === name)) throw validation('profile.name: An object with this field already exists in the current organization');
    const description = (req.body as { profile?: { description?: unknown } }).profile?.description;
    const group = state.addGroup(name, typeof description === 'string' ? description : null, 'OKTA_GROUP');
    return { status: 200, body: serializeGroup(group, req.baseUrl) };
  };

  const addMember = (req: Req) => {
    const members = state.members.get(req.params.groupId);
    const group = state.groups.get(req.params.groupId);
    if (!members || !group) throw notFound(`UserGroup ${req.params.groupId}`);
    if (group.type !== 'OKTA_GROUP') throw validation('Only members of Okta groups can be managed.');
    if (!state.users.has(req.params.userId)) throw notFound(`User ${req.params.userId}`);
    members.add(req.params.userId);
    group.lastMembershipUpdated = state.now();
    ctx.changed();
    return { status: 204 };
  };

  return [
    route('GET', '/api/v1/groups', SCOPES.groupsRead, BUCKETS.groups, listGroups),
    route('POST', '/api/v1/groups', SCOPES.groupsManage, BUCKETS.groups, createGroup),
    route('PUT', '/api/v1/groups/{groupId}/users/{userId}', SCOPES.groupsManage, BUCKETS.groups, addMember),
    route('GET', '/api/v1/groups/{groupId}', SCOPES.groupsRead, BUCKETS.groups, (req) => {
      const g = state.groups.get(req.params.groupId);
      if (!g) throw notFound(`UserGroup ${req.params.groupId}`);
      return { status: 200, body: serializeGroup(g, req.baseUrl) };
    }),
    route('GET', '/api/v1/groups/{groupId}/users', SCOPES.groupsRead, BUCKETS.groups, (req) => {
      const members = state.members.get(req.params.groupId);
      if (!members) throw notFound(`UserGroup ${req.params.groupId}`);
      const { page, headers } = oktaPage(req, [...members], 1000, 1000);
      return { status: 200, body: page.map((id) => serializeUser(state.users.get(id)!, req.baseUrl)), headers };
    }),
    route('GET', '/api/v1/users', SCOPES.usersRead, BUCKETS.users, listUsers),
    route('GET', '/api/v1/users/{userId}', SCOPES.usersRead, BUCKETS.users, (req) => {
      const u = state.users.get(req.params.userId) ?? [...state.users.values()].find((x) => x.profile.login === req.params.userId);
      if (!u) throw notFound(`User ${req.params.userId}`);
      return { status: 200, body: serializeUser(u, req.baseUrl) };
    }),
    route('GET', '/api/v1/logs', SCOPES.logsRead, BUCKETS.logs, logs),
  ];
}
