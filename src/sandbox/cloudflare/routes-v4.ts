import { randomUUID } from 'node:crypto';
import { fieldsOf, filled, items, text } from '../http/body.js';
import { decodeCursor, encodeCursor } from '../http/paginate.js';
import type { Req, Res, Route } from '../http/types.js';
import { accountRoute, actor, type CloudflareContext, type CloudflareHandler } from './context.js';
import { cfFailure, envelope, ok } from './errors.js';
import { expired, type AuditV2, type MemberRecord, type UserGroupRecord } from './records.js';
import type { CloudflareState } from './state.js';
import { cloudflareBody } from './bodies.js';

const ACCOUNT = '/accounts/{account_id}';

/** v4 page/per_page paging with result_info. */
export function pageOf<T>(req: Req, list: T[], defaultPer: number, maxPer: number, minPer = 1) {
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const per = Math.min(maxPer, Math.max(minPer, Number(req.query.get('per_page') ?? defaultPer) || defaultPer));
  const slice = list.slice((page - 1) * per, page * per);
  return envelope(slice, { page, per_page: per, count: slice.length, total_count: list.length, total_pages: Math.max(1, Math.ceil(list.length / per)) });
}

function memberView(state: CloudflareState, m: MemberRecord) {
  return {
    id: m.id,
    email: m.email,
    status: m.status,
    user: { id: m.userId, email: m.email, first_name: m.firstName, last_name: m.lastName, two_factor_authentication_enabled: false },
    roles: m.roles.map((id) => {
      const pg = state.permissionGroups.find((p) => p.id === id);
      return { id, name: pg?.name ?? id, description: pg?.name ?? '', permissions: [] };
    }),
    policies: [],
  };
}

function groupView(state: CloudflareState, g: UserGroupRecord) {
  const permissionGroupName = (id: string) => state.permissionGroups.find((x) => x.id === id)?.name ?? id;
  const policies = g.policies.map((p) => ({
    id: p.id,
    access: p.access,
    permission_groups: p.permission_groups.map((pg) => ({ id: pg.id, name: permissionGroupName(pg.id), meta: {} })),
    resource_groups: p.resource_groups.map((rg) => {
      const found = 'id' in rg ? state.resourceGroups.get(rg.id) : undefined;
      return found ? { id: found.id, name: found.name, meta: {}, scope: found.scope } : rg;
    }),
  }));
  // Cloudflare's docs show a group with no policy without a `policies` key.
  return { id: g.id, name: g.name, created_on: g.created_on, modified_on: g.modified_on, ...(policies.length ? { policies } : {}) };
}

function findGroup({ state }: CloudflareContext, req: Req): UserGroupRecord {
  const g = state.userGroups.get(req.params.user_group_id);
  if (!g) throw cfFailure(req.path, 404, 'User group not found', 1003);
  return g;
}

function findMember({ state }: CloudflareContext, req: Req): MemberRecord {
  const m = state.members.get(req.params.member_id);
  if (!m) throw cfFailure(req.path, 404, 'Member not found', 1003);
  return m;
}

function listGroups(ctx: CloudflareContext, req: Req): Res {
  const name = req.query.get('name');
  const fuzzy = req.query.get('fuzzyName')?.toLowerCase();
  const id = req.query.get('id');
  const groups = [...ctx.state.userGroups.values()].filter(
    (g) => (!name || g.name === name) && (!fuzzy || g.name.toLowerCase().includes(fuzzy)) && (!id || g.id === id),
  );
  return {
    status: 200,
    body: pageOf(
      req,
      groups.map((g) => groupView(ctx.state, g)),
      100,
      500,
    ),
  };
}

/** The spec's policies of a user group: permission groups by id, resource groups by id or an inline account scope. */
function parsePolicies({ state }: CloudflareContext, req: Req, raw: unknown): UserGroupRecord['policies'] {
  const bad = (message: string) => cfFailure(req.path, 400, message, 1004);
  if (!Array.isArray(raw)) throw bad('policies must be a list');
  return raw.map((policy) => {
    const p = fieldsOf<'id' | 'access' | 'permission_groups' | 'resource_groups'>(policy);
    if (p.access !== 'allow' && p.access !== 'deny') throw bad('policy access must be allow or deny');
    const permissionGroups = items(p.permission_groups).map((pg) => String(fieldsOf<'id'>(pg).id));
    for (const id of permissionGroups) if (!state.permissionGroups.some((x) => x.id === id)) throw bad(`Unknown permission group ${id}`);
    const resourceGroups = items(p.resource_groups).map((rg) => fieldsOf<'id' | 'scope'>(rg));
    if (resourceGroups.length === 0) throw bad('a policy needs at least one resource group');
    const t = state.now();
    return {
      id: text(p.id) ?? randomUUID().replace(/-/g, ''),
      access: p.access,
      permission_groups: permissionGroups.map((id) => ({ id })),
      resource_groups: resourceGroups.map((x) => {
        const scope = fieldsOf<'key' | 'objects'>(x.scope);
        // The documented way: the account's scope inline, read back with no resource-group id.
        if (x.id === undefined && typeof scope.key === 'string') {
          if (scope.key !== `com.cloudflare.api.account.${state.accountId}`) throw bad(`Unknown scope ${scope.key}`);
          return { scope: { key: scope.key, objects: objectKeys(scope.objects) }, created_on: t, modified_on: t };
        }
        const id = String(x.id);
        if (!state.resourceGroups.has(id)) throw bad(`Unknown resource group ${id}`);
        return { id };
      }),
    };
  });
}

/** A scope's objects, each its key. */
function objectKeys(value: unknown): Array<{ key: string }> {
  return items(value).map((o) => ({ key: String(fieldsOf<'key'>(o).key) }));
}

function createGroup(ctx: CloudflareContext, req: Req): Res {
  const b = cloudflareBody('POST /accounts/{account_id}/iam/user_groups', req.body);
  const name = filled(b.name);
  if (name === undefined) throw cfFailure(req.path, 400, 'name is required', 1004);
  const group = ctx.state.createUserGroup(name, parsePolicies(ctx, req, b.policies ?? []), actor(ctx, req));
  return ok(groupView(ctx.state, group));
}

function updateGroup(ctx: CloudflareContext, req: Req): Res {
  const g = findGroup(ctx, req);
  const b = cloudflareBody('PUT /accounts/{account_id}/iam/user_groups/{user_group_id}', req.body);
  const policies = b.policies === undefined ? undefined : parsePolicies(ctx, req, b.policies);
  ctx.state.updateUserGroup(g, { name: b.name === undefined ? undefined : String(b.name), policies }, actor(ctx, req));
  return ok(groupView(ctx.state, g));
}

function deleteGroup(ctx: CloudflareContext, req: Req): Res {
  const g = findGroup(ctx, req);
  ctx.state.deleteUserGroup(g, actor(ctx, req));
  return ok({ id: g.id });
}

/** The spec's member list body: `[{ id }]`. */
const changeMembers =
  (how: 'add' | 'replace'): CloudflareHandler =>
  (ctx, req) => {
    const g = findGroup(ctx, req);
    const ids = items(req.body).map((m) => String(cloudflareBody('PUT /accounts/{account_id}/iam/user_groups/{user_group_id}/members', m).id));
    ctx.state.changeUserGroupMembers(g, how, ids, actor(ctx, req));
    return ok([...g.members].map((id) => ({ id, email: ctx.state.members.get(id)?.email, status: ctx.state.members.get(id)?.status })));
  };

function removeGroupMember(ctx: CloudflareContext, req: Req): Res {
  const g = findGroup(ctx, req);
  ctx.state.changeUserGroupMembers(g, 'remove', [req.params.member_id], actor(ctx, req));
  const m = ctx.state.members.get(req.params.member_id);
  return ok({ id: req.params.member_id, email: m?.email, status: m?.status });
}

function listGroupMembers(ctx: CloudflareContext, req: Req): Res {
  const members = [...findGroup(ctx, req).members].flatMap((id) => ctx.state.members.get(id) ?? []);
  return {
    status: 200,
    body: pageOf(
      req,
      members.map((m) => ({ id: m.id, email: m.email, status: m.status })),
      100,
      500,
    ),
  };
}

/** The spec's filters of the audit log v2 the sandbox serves, each with its `.not` (every value given must match one, or none). */
const AUDIT_FILTERS: Record<string, (e: AuditV2) => string> = {
  action_type: (e) => e.action.type,
  action_result: (e) => e.action.result,
  actor_token_id: (e) => e.actor.token_id,
  resource_id: (e) => e.resource.id,
  resource_product: (e) => e.resource.product,
  resource_type: (e) => e.resource.type,
  raw_method: (e) => e.raw.method,
};

function auditV2({ state }: CloudflareContext, req: Req): Res {
  const since = req.query.get('since');
  const before = req.query.get('before');
  if (!since || !before) return { status: 400, body: { success: false, errors: [{ message: 'since and before are required' }], result: null } };
  const from = new Date(since).toISOString();
  const to = new Date(before).toISOString();
  const filters = Object.entries(AUDIT_FILTERS).map(([name, of]) => {
    const wanted = req.query.getAll(name);
    const unwanted = req.query.getAll(`${name}.not`);
    return (e: AuditV2) => (!wanted.length || wanted.includes(of(e))) && !unwanted.includes(of(e));
  });
  let entries = state.audit.filter((e) => e.action.time >= from && e.action.time < to && filters.every((f) => f(e)));
  if (req.query.get('direction') !== 'asc') entries = [...entries].reverse();
  const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 100) || 100));
  const cursorParam = req.query.get('cursor');
  const start = cursorParam ? decodeCursor(cursorParam) : 0;
  const page = entries.slice(start, start + limit);
  const cursor = start + limit < entries.length ? encodeCursor(start + limit) : undefined;
  // The count as Cloudflare's audit-log docs show it: a string ("1"), beside the cursor.
  return { status: 200, body: { success: true, errors: [], result: page, result_info: { count: String(page.length), ...(cursor ? { cursor } : {}) } } };
}

const verifyToken =
  (accountScoped: boolean): CloudflareHandler =>
  (ctx, req) => {
    const token = ctx.tokenOf(req);
    if (token.accountOwned !== accountScoped) throw cfFailure(req.path, 401, 'Invalid API Token', 1000);
    // An expired token still verifies, with its status (the response schema's `expired`); it is refused everywhere else.
    const isExpired = expired(token, ctx.state.now());
    const life = { ...(token.expiresOn ? { expires_on: token.expiresOn } : {}), ...(token.notBefore ? { not_before: token.notBefore } : {}) };
    // As public reports of real answers show it: the verdict in `messages`, code 10000.
    return {
      status: 200,
      body: {
        ...envelope({ id: token.id, status: isExpired ? 'expired' : 'active', ...life }),
        messages: isExpired ? [] : [{ code: 10000, message: 'This API Token is valid and active', type: null }],
      },
    };
  };

function listMembers(ctx: CloudflareContext, req: Req): Res {
  const status = req.query.get('status');
  const members = [...ctx.state.members.values()].filter((m) => !status || m.status === status);
  return {
    status: 200,
    body: pageOf(
      req,
      members.map((m) => memberView(ctx.state, m)),
      20,
      50,
      5,
    ),
  };
}

/**
 * An invitation (the dashboard's "Invite", or this API): a member, and so a SCIM user, with no
 * externalId. Pending until accepted, the API's default, or accepted where the request says so.
 */
function inviteMember(ctx: CloudflareContext, req: Req): Res {
  const b = cloudflareBody('POST /accounts/{account_id}/members', req.body);
  const email = text(b.email);
  if (email === undefined || !/^[^@\s]+@[^@\s]+$/.test(email)) throw cfFailure(req.path, 400, 'email is required', 1001);
  const roles = items(b.roles).map((r) => String(typeof r === 'object' && r ? fieldsOf<'id'>(r).id : r));
  if (!roles.length || roles.some((id) => !ctx.state.permissionGroups.some((p) => p.id === id)))
    throw cfFailure(req.path, 400, 'roles must name permission groups', 1001);
  const status = b.status === 'accepted' ? 'accepted' : 'pending';
  return ok(memberView(ctx.state, ctx.state.inviteMember(email, roles, actor(ctx, req), status)));
}

function removeMember(ctx: CloudflareContext, req: Req): Res {
  const m = findMember(ctx, req);
  ctx.state.removeAccountMember(m, actor(ctx, req));
  return ok({ id: m.id });
}

/** The spec's resource group: a scope's key and its objects. */
function createResourceGroup(ctx: CloudflareContext, req: Req): Res {
  const b = cloudflareBody('POST /accounts/{account_id}/iam/resource_groups', req.body);
  const scope = fieldsOf<'key' | 'objects'>(b.scope);
  const key = text(scope.key);
  if (key === undefined || items(scope.objects).length === 0) throw cfFailure(req.path, 400, 'scope with key and objects is required', 1004);
  return ok(ctx.state.createResourceGroup(String(b.name ?? key), { key, objects: objectKeys(scope.objects) }, actor(ctx, req)));
}

/** Members, IAM user groups, permission groups, audit logs v1 and v2, token verification. */
export function v4Routes(ctx: CloudflareContext): Route[] {
  const route = accountRoute(ctx);
  const read = ['read'];
  return [
    route('GET', `${ACCOUNT}/members`, read, listMembers),
    route('POST', `${ACCOUNT}/members`, ['write'], inviteMember),
    route('GET', `${ACCOUNT}/members/{member_id}`, read, (c, req) => ok(memberView(c.state, findMember(c, req)))),
    route('DELETE', `${ACCOUNT}/members/{member_id}`, ['write'], removeMember),
    route('GET', `${ACCOUNT}/iam/user_groups`, read, listGroups),
    route('POST', `${ACCOUNT}/iam/user_groups`, ['write'], createGroup),
    route('GET', `${ACCOUNT}/iam/user_groups/{user_group_id}`, read, (c, req) => ok(groupView(c.state, findGroup(c, req)))),
    route('PUT', `${ACCOUNT}/iam/user_groups/{user_group_id}`, ['write'], updateGroup),
    route('DELETE', `${ACCOUNT}/iam/user_groups/{user_group_id}`, ['write'], deleteGroup),
    route('POST', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, ['write'], changeMembers('add')),
    route('PUT', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, ['write'], changeMembers('replace')),
    route('DELETE', `${ACCOUNT}/iam/user_groups/{user_group_id}/members/{member_id}`, ['write'], removeGroupMember),
    route('GET', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, read, listGroupMembers),
    route('GET', `${ACCOUNT}/iam/permission_groups`, read, (c, req) => {
      const name = req.query.get('name');
      return {
        status: 200,
        body: pageOf(
          req,
          c.state.permissionGroups.filter((g) => !name || g.name === name),
          100,
          500,
        ),
      };
    }),
    route('GET', `${ACCOUNT}/iam/resource_groups`, read, (c, req) => ({ status: 200, body: pageOf(req, [...c.state.resourceGroups.values()], 100, 500) })),
    route('POST', `${ACCOUNT}/iam/resource_groups`, ['write'], createResourceGroup),
    route('GET', `${ACCOUNT}/logs/audit`, ['audit'], auditV2),
    // v1 does not show SCIM activity (it is logged in v2 only), and the spec gives it no result_info.
    route('GET', `${ACCOUNT}/audit_logs`, ['audit'], () => ({ status: 200, body: { success: true, errors: [], messages: [], result: [] } })),
    route('GET', `${ACCOUNT}/tokens/verify`, [], verifyToken(true)),
    route('GET', '/user/tokens/verify', [], verifyToken(false)),
  ];
}
