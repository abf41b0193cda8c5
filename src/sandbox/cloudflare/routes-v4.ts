import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../http/paginate.js';
import type { Req, Route, UntypedBody } from '../http/types.js';
import { cfFailure, envelope, ok, v4Route } from './errors.js';
import { hexId, expired, type CloudflareState, type MemberRecord, type TokenRecord, type UserGroupRecord } from './state.js';

type Body = UntypedBody;

/** v4 page/per_page paging with result_info. */
export function pageOf<T>(req: Req, items: T[], defaultPer: number, maxPer: number, minPer = 1) {
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const per = Math.min(maxPer, Math.max(minPer, Number(req.query.get('per_page') ?? defaultPer) || defaultPer));
  const slice = items.slice((page - 1) * per, page * per);
  return envelope(slice, { page, per_page: per, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / per)) });
}

/** Members, IAM user groups, permission groups, audit logs v1 and v2, token verification. */
export function v4Routes(state: CloudflareState, tokenOf: (req: Req) => TokenRecord): Route[] {
  const ACCOUNT = '/accounts/{account_id}';
  const read = ['read'];
  const route = v4Route;

  const memberView = (m: MemberRecord) => ({
    id: m.id,
    email: m.email,
    status: m.status,
    user: { id: m.userId, email: m.email, first_name: m.firstName, last_name: m.lastName, two_factor_authentication_enabled: false },
    roles: m.roles.map((id) => {
      const pg = state.permissionGroups.find((p) => p.id === id);
      return { id, name: pg?.name ?? id, description: pg?.name ?? '', permissions: [] };
    }),
    policies: [],
  });
  const groupView = (g: UserGroupRecord) => ({
    id: g.id,
    name: g.name,
    created_on: g.created_on,
    modified_on: g.modified_on,
    // Cloudflare's docs show a group with no policy without a `policies` key.
    ...(g.policies.length
      ? {
          policies: g.policies.map((p) => ({
            id: p.id,
            access: p.access,
            permission_groups: p.permission_groups.map((pg) => ({
              id: pg.id,
              name: state.permissionGroups.find((x) => x.id === pg.id)?.name ?? pg.id,
              meta: {},
            })),
            resource_groups: p.resource_groups.map((rg) => {
              if (!('id' in rg)) return rg;
              const found = state.resourceGroups.get(rg.id)!;
              return { id: rg.id, name: found.name, meta: {}, scope: found.scope };
            }),
          })),
        }
      : {}),
  });
  const findGroup = (req: Req) => {
    const g = state.userGroups.get(req.params.user_group_id);
    if (!g) throw cfFailure(req.path, 404, 'User group not found', 1003);
    return g;
  };

  const listGroups = (req: Req) => {
    let groups = [...state.userGroups.values()];
    const name = req.query.get('name');
    if (name) groups = groups.filter((g) => g.name === name);
    const fuzzy = req.query.get('fuzzyName');
    if (fuzzy) groups = groups.filter((g) => g.name.toLowerCase().includes(fuzzy.toLowerCase()));
    const id = req.query.get('id');
    if (id) groups = groups.filter((g) => g.id === id);
    return { status: 200, body: pageOf(req, groups.map(groupView), 100, 500) };
  };

  /**
   * "When you manage User Groups with SCIM, you cannot change the name, members, or delete a group
   * through either the Cloudflare dashboard or API" (Cloudflare's user-groups docs); its policies can be set.
   */
  const refuseIfScim = (req: Req, g: UserGroupRecord, what: string) => {
    if (g.scim) throw cfFailure(req.path, 400, `This user group is managed by SCIM: its ${what} can only change through the identity provider`, 1004);
  };
  const memberIdsOf = (req: Req) => {
    const items = Array.isArray(req.body) ? (req.body as Body[]) : [];
    return items.map((m) => {
      if (!state.members.has(String(m?.id))) throw cfFailure(req.path, 400, `Member ${String(m?.id)} not found`, 1003);
      return String(m.id);
    });
  };
  const recordGroup = (req: Req, type: 'create' | 'update' | 'delete', description: string, id: string) =>
    state.record(req, tokenOf(req), { type, description, status: 200, product: 'user_groups', resourceType: 'user_group', resourceId: id });

  /** Policies as the API takes them: permission groups by id, resource groups by id or an inline account scope. */
  const parsePolicies = (req: Req, raw: unknown): UserGroupRecord['policies'] => {
    if (!Array.isArray(raw)) throw cfFailure(req.path, 400, 'policies must be a list', 1004);
    return raw.map((p: Body) => {
      if (p.access !== 'allow' && p.access !== 'deny') throw cfFailure(req.path, 400, 'policy access must be allow or deny', 1004);
      const pgs = (p.permission_groups ?? []) as Body[];
      for (const pg of pgs) if (!state.permissionGroups.some((x) => x.id === pg.id)) throw cfFailure(req.path, 400, `Unknown permission group ${pg.id}`, 1004);
      const rgs = (p.resource_groups ?? []) as Body[];
      if (rgs.length === 0) throw cfFailure(req.path, 400, 'a policy needs at least one resource group', 1004);
      const t = state.now();
      return {
        id: p.id ?? randomUUID().replace(/-/g, ''),
        access: p.access,
        permission_groups: pgs.map((x) => ({ id: x.id })),
        resource_groups: rgs.map((x) => {
          // The documented way: the account's scope inline, read back with no resource-group id.
          if (x.id === undefined && x.scope && typeof x.scope.key === 'string') {
            if (x.scope.key !== `com.cloudflare.api.account.${state.accountId}`) throw cfFailure(req.path, 400, `Unknown scope ${x.scope.key}`, 1004);
            const objects = Array.isArray(x.scope.objects) ? x.scope.objects.map((o: Body) => ({ key: String(o.key) })) : [];
            return { scope: { key: x.scope.key, objects }, created_on: t, modified_on: t };
          }
          if (!state.resourceGroups.has(x.id)) throw cfFailure(req.path, 400, `Unknown resource group ${x.id}`, 1004);
          return { id: x.id };
        }),
      };
    });
  };

  const createGroup = (req: Req) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.name !== 'string' || b.name.trim() === '') throw cfFailure(req.path, 400, 'name is required', 1004);
    if ([...state.userGroups.values()].some((g) => g.name.toLowerCase() === b.name.toLowerCase()))
      throw cfFailure(req.path, 400, `A user group named ${b.name} already exists`, 1004);
    const t = state.now();
    const group: UserGroupRecord = {
      id: hexId(`user-group:${b.name}:${t}`),
      name: b.name,
      created_on: t,
      modified_on: t,
      policies: [],
      members: new Set(),
      scim: false,
    };
    group.policies = parsePolicies(req, b.policies ?? []);
    state.userGroups.set(group.id, group);
    recordGroup(req, 'create', 'Create User Group', group.id);
    return ok(groupView(group));
  };
  const deleteGroup = (req: Req) => {
    const g = findGroup(req);
    refuseIfScim(req, g, 'existence');
    state.userGroups.delete(g.id);
    recordGroup(req, 'delete', 'Delete User Group', g.id);
    return ok({ id: g.id });
  };
  const changeMembers = (how: 'add' | 'replace' | 'remove') => (req: Req) => {
    const g = findGroup(req);
    refuseIfScim(req, g, 'members');
    if (how === 'remove') {
      const m = state.members.get(req.params.member_id);
      if (!m || !g.members.delete(m.id)) throw cfFailure(req.path, 404, 'Member not found in the user group', 1003);
      g.modified_on = state.now();
      recordGroup(req, 'update', 'Update User Group Members', g.id);
      return ok({ id: m.id, email: m.email, status: m.status });
    } else {
      const ids = memberIdsOf(req);
      if (how === 'replace') g.members = new Set(ids);
      else for (const id of ids) g.members.add(id);
    }
    g.modified_on = state.now();
    recordGroup(req, 'update', 'Update User Group Members', g.id);
    return ok([...g.members].map((id) => ({ id, email: state.members.get(id)?.email, status: state.members.get(id)?.status })));
  };

  const updateGroup = (req: Req) => {
    const g = findGroup(req);
    const b = (req.body ?? {}) as Body;
    if (b.name !== undefined && b.name !== g.name) refuseIfScim(req, g, 'name');
    if (b.policies !== undefined) g.policies = parsePolicies(req, b.policies);
    if (b.name !== undefined && !g.scim) g.name = String(b.name);
    g.modified_on = state.now();
    state.record(req, tokenOf(req), {
      type: 'update',
      description: 'Update User Group',
      status: 200,
      product: 'user_groups',
      resourceType: 'user_group',
      resourceId: g.id,
    });
    return ok(groupView(g));
  };

  const auditV2 = (req: Req) => {
    const since = req.query.get('since');
    const before = req.query.get('before');
    if (!since || !before) return { status: 400, body: { success: false, errors: [{ message: 'since and before are required' }], result: null } };
    const from = new Date(since).toISOString();
    const to = new Date(before).toISOString();
    const wanted = (key: string) => req.query.getAll(key);
    const types = wanted('action_type');
    const tokenIds = wanted('actor_token_id');
    const products = wanted('resource_product');
    let entries = state.audit.filter(
      (e) =>
        e.action.time >= from &&
        e.action.time < to &&
        (!types.length || types.includes(e.action.type)) &&
        (!tokenIds.length || tokenIds.includes(e.actor.token_id)) &&
        (!products.length || products.includes(e.resource.product)),
    );
    if (req.query.get('direction') !== 'asc') entries = [...entries].reverse();
    const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 100) || 100));
    const start = req.query.get('cursor') ? decodeCursor(req.query.get('cursor')!) : 0;
    const page = entries.slice(start, start + limit);
    const cursor = start + limit < entries.length ? encodeCursor(start + limit) : undefined;
    return { status: 200, body: { success: true, errors: [], result: page, result_info: { count: page.length, ...(cursor ? { cursor } : {}) } } };
  };

  const verify = (accountScoped: boolean) => (req: Req) => {
    const token = tokenOf(req);
    if (token.accountOwned !== accountScoped) throw cfFailure(req.path, 401, 'Invalid API Token', 1000);
    // An expired token still verifies, with its status (the response schema's `expired`); it is refused everywhere else.
    const isExpired = expired(token, state.now());
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

  /** A change to the account's members, in the audit log as Cloudflare writes it. */
  const recordMember = (req: Req, type: 'create' | 'delete', description: string, memberId: string) =>
    state.record(req, tokenOf(req), { type, description, status: 200, product: 'members', resourceType: 'member', resourceId: memberId });

  return [
    route('GET', `${ACCOUNT}/members`, read, (req) => {
      let members = [...state.members.values()];
      const status = req.query.get('status');
      if (status) members = members.filter((m) => m.status === status);
      return { status: 200, body: pageOf(req, members.map(memberView), 20, 50, 5) };
    }),
    // An invitation (the dashboard's "Invite", or this API): a member, and so a SCIM user, with no externalId.
    // The sandbox takes the invitation as accepted at once (status "accepted" asked or not).
    route('POST', `${ACCOUNT}/members`, ['write'], (req) => {
      const b = (req.body ?? {}) as { email?: unknown; roles?: unknown };
      if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(b.email)) throw cfFailure(req.path, 400, 'email is required', 1001);
      const roles = Array.isArray(b.roles) ? b.roles.map((r) => String(typeof r === 'object' && r ? (r as { id?: unknown }).id : r)) : [];
      if (!roles.length || roles.some((id) => !state.permissionGroups.some((p) => p.id === id)))
        throw cfFailure(req.path, 400, 'roles must name permission groups', 1001);
      const email = b.email;
      if ([...state.members.values()].some((m) => m.email.toLowerCase() === email.toLowerCase())) throw cfFailure(req.path, 409, 'Member already exists', 1001);
      const m = state.addMember(email, null, null, roles, false);
      recordMember(req, 'create', 'Add Member', m.id);
      return ok(memberView(m));
    }),
    route('GET', `${ACCOUNT}/members/{member_id}`, read, (req) => {
      const m = state.members.get(req.params.member_id);
      if (!m) throw cfFailure(req.path, 404, 'Member not found', 1003);
      return ok(memberView(m));
    }),
    // The dashboard's "Remove member", or any API client: a SCIM user's `active` is its membership, so it turns false.
    route('DELETE', `${ACCOUNT}/members/{member_id}`, ['write'], (req) => {
      const m = state.members.get(req.params.member_id);
      if (!m) throw cfFailure(req.path, 404, 'Member not found', 1003);
      if (state.superAdmins().length === 1 && state.superAdmins()[0].id === m.id)
        throw cfFailure(req.path, 400, 'Cannot remove the last Super Administrator', 1001);
      state.removeMember(m.id);
      for (const u of state.scimUsers.values())
        if (u.memberId === m.id) {
          u.memberId = undefined;
          u.active = false;
        }
      recordMember(req, 'delete', 'Remove Member', m.id);
      return ok({ id: m.id });
    }),
    route('GET', `${ACCOUNT}/iam/user_groups`, read, listGroups),
    route('POST', `${ACCOUNT}/iam/user_groups`, ['write'], createGroup),
    route('GET', `${ACCOUNT}/iam/user_groups/{user_group_id}`, read, (req) => ok(groupView(findGroup(req)))),
    route('PUT', `${ACCOUNT}/iam/user_groups/{user_group_id}`, ['write'], updateGroup),
    route('DELETE', `${ACCOUNT}/iam/user_groups/{user_group_id}`, ['write'], deleteGroup),
    route('POST', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, ['write'], changeMembers('add')),
    route('PUT', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, ['write'], changeMembers('replace')),
    route('DELETE', `${ACCOUNT}/iam/user_groups/{user_group_id}/members/{member_id}`, ['write'], changeMembers('remove')),
    route('GET', `${ACCOUNT}/iam/user_groups/{user_group_id}/members`, read, (req) => {
      const g = findGroup(req);
      const members = [...g.members].map((id) => state.members.get(id)).filter((m): m is MemberRecord => Boolean(m));
      return {
        status: 200,
        body: pageOf(
          req,
          members.map((m) => ({ id: m.id, email: m.email, status: m.status })),
          100,
          500,
        ),
      };
    }),
    route('GET', `${ACCOUNT}/iam/permission_groups`, read, (req) => {
      let groups = state.permissionGroups;
      const name = req.query.get('name');
      if (name) groups = groups.filter((g) => g.name === name);
      return { status: 200, body: pageOf(req, groups, 100, 500) };
    }),
    route('GET', `${ACCOUNT}/iam/resource_groups`, read, (req) => ({ status: 200, body: pageOf(req, [...state.resourceGroups.values()], 100, 500) })),
    route('POST', `${ACCOUNT}/iam/resource_groups`, ['write'], (req) => {
      const b = (req.body ?? {}) as Body;
      const key = b.scope?.key;
      if (typeof key !== 'string' || !Array.isArray(b.scope?.objects) || b.scope.objects.length === 0)
        throw cfFailure(req.path, 400, 'scope with key and objects is required', 1004);
      const group = {
        id: hexId(`resource-group:${key}:${randomUUID()}`),
        name: String(b.name ?? key),
        scope: { key, objects: b.scope.objects.map((o: Body) => ({ key: String(o.key) })) },
        meta: { editable: 'false' },
      };
      state.resourceGroups.set(group.id, group);
      state.record(req, tokenOf(req), {
        type: 'create',
        description: 'Create Resource Group',
        status: 200,
        product: 'resource_groups',
        resourceType: 'resource_group',
        resourceId: group.id,
      });
      return ok(group);
    }),
    route('GET', `${ACCOUNT}/logs/audit`, ['audit'], auditV2),
    // v1 does not show SCIM activity (it is logged in v2 only), and the spec gives it no result_info.
    route('GET', `${ACCOUNT}/audit_logs`, ['audit'], () => ({ status: 200, body: { success: true, errors: [], messages: [], result: [] } })),
    route('GET', `${ACCOUNT}/tokens/verify`, [], verify(true)),
    route('GET', '/user/tokens/verify', [], verify(false)),
  ];
}
