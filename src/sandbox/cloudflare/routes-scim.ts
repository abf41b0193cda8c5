import { FilterSyntaxError, parseFilter } from '../http/filter.js';
import type { Req, Res, Route, UntypedBody } from '../http/types.js';
import { TrailingListing } from '../timing.js';
import { cfFailure } from './errors.js';
import { hexId, roleId, SYSTEM_GROUP_PREFIX, type CloudflareState, type ScimUserRecord, type TokenRecord, type UserGroupRecord } from './state.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const MINIMAL_ROLE = roleId('Minimal Account Access');
const BASE = '/accounts/{account_id}/scim/v2';

type Body = UntypedBody;

function scim(body: unknown, status = 200): Res {
  return { status, body, contentType: 'application/scim+json' };
}

/** Cloudflare's dashboard SCIM v2: users become account members, groups become IAM user groups. */
export function scimRoutes(state: CloudflareState, tokenOf: (req: Req) => TokenRecord, listingLagMs = 0): Route[] {
  // Unfiltered listings trail writes by up to the lag (sandbox timing); lookups by filter or id are fresh.
  const trailing = { users: new TrailingListing<unknown>(listingLagMs), groups: new TrailingListing<unknown>(listingLagMs) };
  // The spec lets "Account Settings Read" and "Write" tokens read SCIM (its x-api-token-group of each GET); writes need SCIM's own.
  const route = (method: string, path: string, handler: Route['handler']): Route => ({
    method,
    template: BASE + path,
    grants: [method === 'GET' ? 'scim-read' : 'scim'],
    bucket: 'api',
    handler,
  });
  const fail = (req: Req, status: number, detail: string, scimType?: string) => cfFailure(req.path, status, detail, 1000, scimType);

  const userView = (u: ScimUserRecord) => ({
    schemas: [USER_SCHEMA],
    id: u.id,
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName, formatted: `${u.givenName} ${u.familyName}`.trim() },
    displayName: u.displayName ?? `${u.givenName} ${u.familyName}`.trim(),
    emails: [{ value: u.userName, type: 'work', primary: true }],
    ...(u.externalId ? { externalId: u.externalId } : {}),
    active: u.active,
    groups: [
      ...[...state.userGroups.values()].filter((g) => u.memberId && g.members.has(u.memberId)).map((g) => g.id),
      ...state
        .systemGroups()
        .filter((g) => u.memberId && g.memberIds.includes(u.memberId))
        .map((g) => g.id),
    ],
    meta: { resourceType: 'User' },
  });
  const groupSummary = (g: UserGroupRecord) => ({
    schemas: [GROUP_SCHEMA],
    id: g.id,
    displayName: g.name,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    meta: { resourceType: 'Group' },
  });
  const groupView = (g: UserGroupRecord) => ({
    ...groupSummary(g),
    members: [...g.members]
      .map((memberId) => state.members.get(memberId))
      .filter(Boolean)
      .map((m) => ({ value: m!.userId, display: m!.email })),
  });

  /** Filters on the one attribute the endpoint takes, then builds views for the page alone (fast at 10,000 users). */
  const list = <T>(
    req: Req,
    items: T[],
    attribute: string,
    attributeOf: (item: T) => string,
    view: (item: T) => unknown,
    listing?: TrailingListing<unknown>,
  ) => {
    const filter = req.query.get('filter');
    const startIndex = Math.max(1, Number(req.query.get('startIndex') ?? 1) || 1);
    const count = Math.min(100, Math.max(0, Number(req.query.get('count') ?? 100)));
    if (!filter && listing && listingLagMs > 0) {
      const views = listing.read(state.timeNow(), () => items.map(view));
      const page = views.slice(startIndex - 1, startIndex - 1 + count);
      return scim({ schemas: [LIST_SCHEMA], totalResults: views.length, startIndex, itemsPerPage: page.length, Resources: page });
    }
    let matched = items;
    if (filter) {
      // "Only `userName eq "value"` is supported" (and `displayName eq` on Groups): the spec's filter parameters.
      if (!new RegExp(`^\\s*${attribute}\\s+eq\\s+"(?:[^"\\\\]|\\\\.)*"\\s*$`, 'i').test(filter))
        throw fail(req, 400, `Only ${attribute} eq "value" filters are supported`, 'invalidFilter');
      try {
        const predicate = parseFilter(filter, [attribute], [attribute]);
        matched = items.filter((item) => predicate({ [attribute]: attributeOf(item) }));
      } catch (error) {
        if (error instanceof FilterSyntaxError) throw fail(req, 400, `Only ${attribute} eq filters are supported: ${error.message}`, 'invalidFilter');
        throw error;
      }
    }
    const page = matched.slice(startIndex - 1, startIndex - 1 + count);
    return scim({ schemas: [LIST_SCHEMA], totalResults: matched.length, startIndex, itemsPerPage: page.length, Resources: page.map(view) });
  };

  const findUser = (req: Req) => {
    const u = state.scimUsers.get(req.params.user_id);
    if (!u) throw fail(req, 404, `User ${req.params.user_id} not found`);
    return u;
  };
  const findGroup = (req: Req) => {
    const g = state.userGroups.get(req.params.group_id);
    if (!g?.scim) throw fail(req, 404, `Group ${req.params.group_id} not found`);
    return g;
  };
  const audit = (req: Req, type: 'create' | 'update' | 'delete', description: string, resourceType: string, resourceId: string, status: number) =>
    state.record(req, tokenOf(req), { type, description, status, product: 'scim', resourceType, resourceId });

  /** Activation is account membership: active=false removes the member, except the last Super Administrator. */
  const setActive = (u: ScimUserRecord, active: boolean) => {
    if (active && !u.memberId) u.memberId = state.addMember(u.userName, u.givenName, u.familyName, [MINIMAL_ROLE], true, u.id).id;
    if (!active && u.memberId) {
      const member = state.members.get(u.memberId);
      const lastSuperAdmin = member && state.superAdmins().length === 1 && state.superAdmins()[0].id === member.id;
      if (!lastSuperAdmin) state.removeMember(u.memberId);
      u.memberId = lastSuperAdmin ? u.memberId : undefined;
    }
    u.active = active;
  };

  const createUser = (req: Req) => {
    const b = (req.body ?? {}) as Body;
    if (!Array.isArray(b.schemas) || !b.schemas.includes(USER_SCHEMA)) throw fail(req, 400, `schemas must include ${USER_SCHEMA}`, 'invalidSyntax');
    if (typeof b.userName !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(b.userName)) throw fail(req, 400, 'userName must be an email address', 'invalidValue');
    const primary = Array.isArray(b.emails) ? (b.emails.find((e: Body) => e?.primary) ?? b.emails[0]) : undefined;
    if (!primary || String(primary.value).toLowerCase() !== b.userName.toLowerCase())
      throw fail(req, 400, 'emails must hold a primary work email matching userName', 'invalidValue');
    if (b.active !== true) throw fail(req, 400, 'active must be true on create', 'invalidValue');
    if ([...state.scimUsers.values()].some((u) => u.userName.toLowerCase() === b.userName.toLowerCase()))
      throw fail(req, 409, `User ${b.userName} already exists`, 'uniqueness');
    const existingMember = [...state.members.values()].find((m) => m.email.toLowerCase() === b.userName.toLowerCase());
    const id = existingMember?.userId ?? hexId(`user:${b.userName.toLowerCase()}`);
    const user: ScimUserRecord = {
      id,
      userName: b.userName,
      givenName: b.name?.givenName ?? '',
      familyName: b.name?.familyName ?? '',
      displayName: b.displayName,
      externalId: b.externalId,
      active: false,
      memberId: existingMember?.id,
    };
    state.scimUsers.set(id, user);
    setActive(user, true);
    audit(req, 'create', 'Create SCIM User', 'user', id, 201);
    return scim(userView(user), 201);
  };

  /** A new userName keeps the member's e-mail domain (#21 fact 4, from public reports): a new domain is a new person to Cloudflare. */
  const renamed = (req: Req, u: { userName: string }, value: unknown): string => {
    const next = String(value);
    const domain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!next.includes('@') || domain(next) !== domain(u.userName))
      throw fail(req, 400, `userName ${next} changes the e-mail domain of ${u.userName}: the domain of an account member cannot change`, 'mutability');
    return next;
  };

  const patchUser = (req: Req) => {
    const u = findUser(req);
    const ops = patchOps(req, fail);
    let deprovisioned = false;
    for (const op of ops) {
      // Only replace has an effect; add and remove are accepted and ignored, as documented.
      if (String(op.op).toLowerCase() !== 'replace') continue;
      const values: Body = op.path ? { [op.path]: op.value } : (op.value ?? {});
      for (const [path, value] of Object.entries(values)) {
        if (path === 'active') {
          deprovisioned = value === false && u.active;
          setActive(u, value === true || value === 'true');
        } else if (path === 'userName' || path === 'emails[type eq "work"].value') u.userName = renamed(req, u, value);
        else if (path === 'name.givenName') u.givenName = String(value);
        else if (path === 'name.familyName') u.familyName = String(value);
        else if (path === 'name' && typeof value === 'object')
          Object.assign(u, { givenName: value.givenName ?? u.givenName, familyName: value.familyName ?? u.familyName });
      }
    }
    audit(req, deprovisioned ? 'delete' : 'update', deprovisioned ? 'Delete SCIM User' : 'Update SCIM User', 'user', u.id, 200);
    return scim(userView(u));
  };

  const putUser = (req: Req) => {
    const u = findUser(req);
    const b = (req.body ?? {}) as Body;
    if (!Array.isArray(b.schemas) || typeof b.userName !== 'string') throw fail(req, 400, 'schemas and userName are required', 'invalidSyntax');
    u.userName = renamed(req, u, b.userName);
    u.givenName = b.name?.givenName ?? u.givenName;
    u.familyName = b.name?.familyName ?? u.familyName;
    const deprovisioned = b.active === false && u.active;
    if (typeof b.active === 'boolean') setActive(u, b.active);
    audit(req, deprovisioned ? 'delete' : 'update', deprovisioned ? 'Delete SCIM User' : 'Replace SCIM User', 'user', u.id, 200);
    return scim(userView(u));
  };

  const createGroup = (req: Req) => {
    const b = (req.body ?? {}) as Body;
    if (typeof b.displayName !== 'string' || b.displayName.trim() === '') throw fail(req, 400, 'displayName is required', 'invalidValue');
    if (/^cf/i.test(b.displayName)) throw fail(req, 400, 'Group names cannot begin with "CF"', 'invalidValue');
    if (/[\u0000-\u001f\u007f]/.test(b.displayName)) throw fail(req, 400, 'displayName contains control characters', 'invalidValue');
    if ([...state.userGroups.values()].some((g) => g.name.toLowerCase() === b.displayName.toLowerCase()))
      throw fail(req, 409, `Group ${b.displayName} already exists`, 'uniqueness');
    const t = state.now();
    const group: UserGroupRecord = {
      id: hexId(`group:${b.displayName}:${t}`),
      name: b.displayName,
      created_on: t,
      modified_on: t,
      policies: [],
      members: new Set(),
      scim: true,
      externalId: b.externalId,
    };
    state.userGroups.set(group.id, group);
    audit(req, 'create', 'Create SCIM Group', 'group', group.id, 201);
    return scim(groupView(group), 201);
  };

  const patchGroup = (req: Req) => {
    const g = findGroup(req);
    const memberIdFor = (userTag: string) => {
      const u = state.scimUsers.get(userTag);
      if (!u?.memberId) throw fail(req, 400, `User ${userTag} is not an account member`, 'invalidValue');
      return u.memberId;
    };
    const removeMember = (userTag: string) => {
      const memberId = state.scimUsers.get(userTag)?.memberId;
      if (memberId) g.members.delete(memberId);
    };
    // A replace without a path carries its attributes in the value (RFC 7644 §3.5.2.3), as Okta sends a name.
    const ops = patchOps(req, fail).flatMap((op: Body) =>
      String(op.op).toLowerCase() === 'replace' && op.path === undefined && op.value && typeof op.value === 'object' && !Array.isArray(op.value)
        ? Object.entries(op.value as Body)
            .filter(([path]) => path !== 'id')
            .map(([path, value]) => ({ op: 'replace', path, value }))
        : [op],
    );
    for (const op of ops) {
      const kind = String(op.op).toLowerCase();
      const path = String(op.path ?? '');
      const filtered = /^members\[value eq "([^"]+)"\]$/.exec(path);
      const values: string[] = Array.isArray(op.value) ? op.value.map((v: Body) => String(v.value)) : [];
      if (path === 'displayName' && kind === 'replace') {
        if (/^cf/i.test(String(op.value))) throw fail(req, 400, 'Group names cannot begin with "CF"', 'invalidValue');
        g.name = String(op.value);
      } else if (path === 'externalId' && kind === 'replace') g.externalId = String(op.value);
      else if (path === 'members' && kind === 'replace') g.members = new Set(values.map(memberIdFor));
      else if (path === 'members' && kind === 'add') for (const v of values) g.members.add(memberIdFor(v));
      // Removing someone who is no longer a member (deactivated since) leaves the group as it is (RFC 7644 §3.5.2.2).
      else if (path === 'members' && kind === 'remove') for (const v of values) removeMember(v);
      else if (filtered && kind === 'remove') removeMember(filtered[1]);
      else throw fail(req, 400, `Unsupported operation ${kind} ${path}`, 'invalidPath');
    }
    g.modified_on = state.now();
    audit(req, 'update', 'Update SCIM Group', 'group', g.id, 200);
    return scim(groupView(g));
  };

  /**
   * "Dashboard SCIM now supports replacing groups using HTTP PUT" (Cloudflare changelog 2026-08-21,
   * RFC 7644 §3.5.1): the display name, external id and members, whole, in one request.
   */
  const putGroup = (req: Req) => {
    if (req.params.group_id.startsWith(SYSTEM_GROUP_PREFIX)) throw fail(req, 400, 'Only member operations are supported on system groups', 'mutability');
    const g = findGroup(req);
    const b = (req.body ?? {}) as Body;
    if (typeof b.displayName !== 'string' || b.displayName.trim() === '') throw fail(req, 400, 'displayName is required', 'invalidValue');
    if (/^cf/i.test(b.displayName)) throw fail(req, 400, 'Group names cannot begin with "CF"', 'invalidValue');
    if ([...state.userGroups.values()].some((o) => o.id !== g.id && o.name.toLowerCase() === b.displayName.toLowerCase()))
      throw fail(req, 409, `Group ${b.displayName} already exists`, 'uniqueness');
    const members = (Array.isArray(b.members) ? b.members : []).map((m: Body) => {
      const memberId = state.scimUsers.get(String(m?.value))?.memberId;
      if (!memberId) throw fail(req, 400, `User ${String(m?.value)} is not an account member`, 'invalidValue');
      return memberId;
    });
    g.name = b.displayName;
    g.externalId = typeof b.externalId === 'string' ? b.externalId : undefined;
    g.members = new Set(members);
    g.modified_on = state.now();
    audit(req, 'update', 'Replace SCIM Group', 'group', g.id, 200);
    return scim(groupView(g));
  };

  /** A system group, as the spec describes it: its id prefixed, its members not listed on reads. */
  const systemSummary = (g: { id: string; name: string }) => ({ schemas: [GROUP_SCHEMA], id: g.id, displayName: g.name, meta: { resourceType: 'Group' } });
  const findSystemGroup = (req: Req) => {
    const g = state.systemGroups().find((x) => x.id === req.params.group_id);
    if (g) return g;
    const permission = state.permissionGroups.find((p) => `${SYSTEM_GROUP_PREFIX}${p.id}` === req.params.group_id);
    if (!permission) throw fail(req, 404, `Group ${req.params.group_id} not found`);
    return { id: req.params.group_id, name: permission.name, memberIds: [] };
  };
  /** "For system groups, only member management operations are supported": membership is holding the role. */
  const patchSystemGroup = (req: Req) => {
    const g = findSystemGroup(req);
    const roleId = g.id.slice(SYSTEM_GROUP_PREFIX.length);
    for (const op of patchOps(req, fail)) {
      const kind = String(op.op).toLowerCase();
      const path = String(op.path ?? '');
      const filtered = /^members\[value eq "([^"]+)"\]$/.exec(path);
      if (path !== 'members' && !filtered) throw fail(req, 400, 'Only member operations are supported on system groups', 'mutability');
      const tags: string[] = filtered ? [filtered[1]] : Array.isArray(op.value) ? op.value.map((v: Body) => String(v.value)) : [];
      for (const tag of tags) {
        const member = state.members.get(state.scimUsers.get(tag)?.memberId ?? '');
        if (!member) throw fail(req, 400, `User ${tag} is not an account member`, 'invalidValue');
        if (kind === 'add' && !member.roles.includes(roleId)) member.roles.push(roleId);
        if (kind === 'remove') member.roles = member.roles.filter((r) => r !== roleId);
      }
    }
    audit(req, 'update', 'Update SCIM Group', 'group', g.id, 200);
    return scim(systemSummary(findSystemGroup(req)));
  };

  const deleteGroup = (req: Req) => {
    if (req.params.group_id.startsWith(SYSTEM_GROUP_PREFIX)) throw fail(req, 400, 'System groups cannot be deleted', 'mutability');
    const g = findGroup(req);
    state.userGroups.delete(g.id);
    audit(req, 'delete', 'Delete SCIM Group', 'group', g.id, 204);
    return { status: 204 };
  };

  return [
    route('GET', '/Users', (req) => list(req, [...state.scimUsers.values()], 'userName', (u) => u.userName, userView, trailing.users)),
    route('POST', '/Users', createUser),
    route('GET', '/Users/{user_id}', (req) => scim(userView(findUser(req)))),
    route('PATCH', '/Users/{user_id}', patchUser),
    route('PUT', '/Users/{user_id}', putUser),
    // "Returns both system groups (backed by Cloudflare permission groups, prefixed cloudflare-v1-) and custom user groups."
    route('GET', '/Groups', (req) =>
      list(
        req,
        [
          ...[...state.userGroups.values()].filter((g) => g.scim).map((g) => ({ name: g.name, view: () => groupSummary(g) })),
          ...state.systemGroups().map((g) => ({ name: g.name, view: () => systemSummary(g) })),
        ],
        'displayName',
        (g) => g.name,
        (g) => g.view(),
        trailing.groups,
      ),
    ),
    route('POST', '/Groups', createGroup),
    route('GET', '/Groups/{group_id}', (req) =>
      scim(req.params.group_id.startsWith(SYSTEM_GROUP_PREFIX) ? systemSummary(findSystemGroup(req)) : groupView(findGroup(req))),
    ),
    route('PATCH', '/Groups/{group_id}', (req) => (req.params.group_id.startsWith(SYSTEM_GROUP_PREFIX) ? patchSystemGroup(req) : patchGroup(req))),
    route('PUT', '/Groups/{group_id}', putGroup),
    route('DELETE', '/Groups/{group_id}', deleteGroup),
    ...discoveryRoutes(route),
  ];
}

function patchOps(req: Req, fail: (req: Req, status: number, detail: string, scimType?: string) => Error): Body[] {
  const b = (req.body ?? {}) as Body;
  if (!Array.isArray(b.Operations)) throw fail(req, 400, 'Operations is required', 'invalidSyntax');
  return b.Operations;
}

function discoveryRoutes(route: (method: string, path: string, handler: Route['handler']) => Route): Route[] {
  const meta = (resourceType: string) => ({ resourceType, location: '' });
  const attr = (name: string, type: string, required: boolean, uniqueness: string, description: string) => ({
    name,
    type,
    multiValued: false,
    description,
    required,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness,
  });
  const schemaOf = (id: string, name: string, attributes: unknown[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    description: name,
    attributes,
    meta: meta('Schema'),
  });
  const userSchema = schemaOf(USER_SCHEMA, 'User', [
    attr('userName', 'string', true, 'server', 'The email address of the user'),
    attr('active', 'boolean', false, 'none', 'Whether the user is an account member'),
  ]);
  const groupSchema = schemaOf(GROUP_SCHEMA, 'Group', [attr('displayName', 'string', true, 'none', 'The name of the user group')]);
  const resourceTypes = [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      meta: meta('ResourceType'),
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
      meta: meta('ResourceType'),
    },
  ];
  const listOf = (items: unknown[]) =>
    scim({ schemas: [LIST_SCHEMA], totalResults: items.length, startIndex: 1, itemsPerPage: items.length, Resources: items });
  const one = <T extends { id: string }>(items: T[], id: string, req: Req) => {
    const found = items.find((i) => i.id === id);
    if (!found) throw cfFailure(req.path, 404, `${id} not found`);
    return scim(found);
  };
  return [
    route('GET', '/ServiceProviderConfig', () =>
      scim({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: 100 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [
          { type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a Cloudflare API token', primary: true },
        ],
        meta: { resourceType: 'ServiceProviderConfig' },
      }),
    ),
    route('GET', '/Schemas', () => listOf([userSchema, groupSchema])),
    route('GET', '/Schemas/{schema_id}', (req) => one([userSchema, groupSchema], req.params.schema_id, req)),
    route('GET', '/ResourceTypes', () => listOf(resourceTypes)),
    route('GET', '/ResourceTypes/{resource_type_id}', (req) => one(resourceTypes, req.params.resource_type_id, req)),
  ];
}
