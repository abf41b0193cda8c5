import { FilterSyntaxError, parseFilter } from '../http/filter.js';
import { fieldsOf, filled, isRecord, items, text, type Fields } from '../http/body.js';
import type { Req, Res, Route } from '../http/types.js';
import type { TrailingListing } from '../timing.js';
import { accountRoute, actor, type CloudflareContext, type CloudflareHandler } from './context.js';
import { cfFailure } from './errors.js';
import { SYSTEM_GROUP_PREFIX, type ScimUserRecord, type UserGroupRecord } from './records.js';
import type { CloudflareState, ScimGroupChange, ScimUserChange } from './state.js';
import { cloudflareBody } from './bodies.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BASE = '/accounts/{account_id}/scim/v2';

function scim(body: unknown, status = 200): Res {
  return { status, body, contentType: 'application/scim+json' };
}

type ScimRouteMaker = (method: string, path: string, handler: CloudflareHandler) => Route;

/** The spec lets "Account Settings Read" and "Write" tokens read SCIM (its x-api-token-group of each GET); writes need SCIM's own. */
function scimRoute(ctx: CloudflareContext): ScimRouteMaker {
  const route = accountRoute(ctx);
  return (method, path, handler) => {
    if (method === 'GET') return route(method, BASE + path, ['scim-read'], audited(handler));
    // The variant scimWriteRefusal=after-lookup: SCIM, not the gateway, refuses a token that may not write, once it has found what is written.
    if (ctx.variants.scimWriteRefusal === 'after-lookup') return route(method, BASE + path, ['scim-read'], lookedUpFirst(handler));
    return route(method, BASE + path, ['scim'], handler);
  };
}

/** A write whose target is looked up (404 if it is not there) before the token's right to write is (403). */
function lookedUpFirst(handler: CloudflareHandler): CloudflareHandler {
  return (ctx, req) => {
    if (req.params.user_id) findUser(ctx, req);
    if (req.params.group_id) isSystemGroup(req) ? findSystemGroup(ctx, req) : findGroup(ctx, req);
    const { permissions } = ctx.tokenOf(req);
    if (!permissions.has('scim') && !permissions.has('accountWrite')) throw cfFailure(req.path, 403, 'Forbidden', 10000);
    return handler(ctx, req);
  };
}

/** A read as the variant auditReads=recorded has the audit log keep it: a view of the resource read, once answered. */
function audited(handler: CloudflareHandler): CloudflareHandler {
  return (ctx, req) => {
    const res = handler(ctx, req);
    if (ctx.variants.auditReads === 'recorded') {
      const resourceType = /\/Groups/.test(req.path) ? 'group' : /\/Users/.test(req.path) ? 'user' : 'configuration';
      const one = req.params.user_id ?? req.params.group_id;
      const description = `${one ? 'Get' : 'List'} SCIM ${resourceType === 'group' ? 'Group' : resourceType === 'user' ? 'User' : 'Configuration'}${one ? '' : 's'}`;
      ctx.state.record(actor(ctx, req), { type: 'view', description, status: res.status, product: 'scim', resourceType, resourceId: one ?? '' });
    }
    return res;
  };
}

function fail(req: Req, status: number, detail: string, scimType?: string) {
  return cfFailure(req.path, status, detail, 1000, scimType);
}

/** The groups a member is in, by member id: user groups and system groups (one per role held), read once for a listing. */
function groupsByMember(state: CloudflareState): (memberId: string | undefined) => string[] {
  const byMember = new Map<string, string[]>();
  const add = (memberId: string, groupId: string) => byMember.set(memberId, [...(byMember.get(memberId) ?? []), groupId]);
  for (const g of state.userGroups.values()) for (const m of g.members) add(m, g.id);
  for (const g of state.systemGroups()) for (const m of g.memberIds) add(m, g.id);
  return (memberId) => (memberId ? (byMember.get(memberId) ?? []) : []);
}

function userView({ state, variants }: CloudflareContext, u: ScimUserRecord, groupsOf = groupsByMember(state)) {
  return {
    schemas: [USER_SCHEMA],
    id: u.id,
    userName: u.userName,
    name: { givenName: u.givenName, familyName: u.familyName, formatted: `${u.givenName} ${u.familyName}`.trim() },
    displayName: u.displayName ?? `${u.givenName} ${u.familyName}`.trim(),
    emails: [{ value: u.userName, type: 'work', primary: true }],
    // The variant idpExternalId=dropped: an account whose SCIM answers keep no identity provider's externalId.
    ...(u.externalId && variants.idpExternalId === 'kept' ? { externalId: u.externalId } : {}),
    active: u.active,
    groups: groupsOf(u.memberId),
    meta: { resourceType: 'User' },
  };
}

function groupSummary(g: UserGroupRecord) {
  return { schemas: [GROUP_SCHEMA], id: g.id, displayName: g.name, ...(g.externalId ? { externalId: g.externalId } : {}), meta: { resourceType: 'Group' } };
}

function groupView(state: CloudflareState, g: UserGroupRecord) {
  const members = [...g.members].flatMap((memberId) => state.members.get(memberId) ?? []);
  return { ...groupSummary(g), members: members.map((m) => ({ value: m.userId, display: m.email })) };
}

/** A system group's displayName: its permission group's name, or (the variant systemGroupName=id) its id. */
const systemName = (ctx: CloudflareContext, g: { id: string; name: string }) => (ctx.variants.systemGroupName === 'role' ? g.name : g.id);

/** A system group, as the spec describes it: its id prefixed, its members not listed on reads. */
function systemSummary(ctx: CloudflareContext, g: { id: string; name: string }) {
  return { schemas: [GROUP_SCHEMA], id: g.id, displayName: systemName(ctx, g), meta: { resourceType: 'Group' } };
}

/** A system group read by id: its members listed only where the variant systemGroupMembers=listed has it. */
function systemView(ctx: CloudflareContext, g: { id: string; name: string; memberIds: string[] }) {
  if (ctx.variants.systemGroupMembers === 'unlisted') return systemSummary(ctx, g);
  const members = g.memberIds.flatMap((memberId) => ctx.state.members.get(memberId) ?? []);
  return { ...systemSummary(ctx, g), members: members.map((m) => ({ value: m.userId, display: m.email })) };
}

const isSystemGroup = (req: Req) => req.params.group_id.startsWith(SYSTEM_GROUP_PREFIX);

/** A listing page: filtered on the one attribute the endpoint takes, views built for the page alone (fast at 10,000 users). */
function list<T>(
  ctx: CloudflareContext,
  req: Req,
  all: T[],
  by: { attribute: string; of: (item: T) => string },
  view: (item: T) => unknown,
  listing: TrailingListing<unknown>,
) {
  const filter = req.query.get('filter');
  const startIndex = Math.max(1, Number(req.query.get('startIndex') ?? 1) || 1);
  const count = Math.min(100, Math.max(0, Number(req.query.get('count') ?? 100)));
  const pageOf = (views: unknown[], total: number) =>
    scim({ schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: views.length, Resources: views });
  if (!filter && ctx.listingLagMs > 0) {
    const views = listing.read(ctx.state.timeNow(), () => all.map(view));
    return pageOf(views.slice(startIndex - 1, startIndex - 1 + count), views.length);
  }
  const matched = filter ? all.filter(filtered(req, filter, by)) : all;
  return pageOf(matched.slice(startIndex - 1, startIndex - 1 + count).map(view), matched.length);
}

/** "Only `userName eq "value"` is supported" (and `displayName eq` on Groups): the spec's filter parameters. */
function filtered<T>(req: Req, filter: string, by: { attribute: string; of: (item: T) => string }): (item: T) => boolean {
  const { attribute } = by;
  if (!new RegExp(`^\\s*${attribute}\\s+eq\\s+"(?:[^"\\\\]|\\\\.)*"\\s*$`, 'i').test(filter))
    throw fail(req, 400, `Only ${attribute} eq "value" filters are supported`, 'invalidFilter');
  try {
    // SCIM's attribute names are case-insensitive (RFC 7644 §3.4.2.2): `USERNAME eq` is `userName eq`.
    const predicate = parseFilter(filter.replace(new RegExp(`^\\s*${attribute}`, 'i'), attribute), [attribute], [attribute]);
    return (item) => predicate({ [attribute]: by.of(item) });
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw fail(req, 400, `Only ${attribute} eq filters are supported: ${error.message}`, 'invalidFilter');
    throw error;
  }
}

function findUser({ state, variants }: CloudflareContext, req: Req): ScimUserRecord {
  const u = state.scimUsers.get(req.params.user_id);
  // A deactivated user that is no longer listed is not found by its id either; a PATCH to it is Okta's repeat, a 404 it takes as done.
  if (!u || (variants.deactivatedUser === 'unlisted' && !u.active && req.method === 'GET')) throw fail(req, 404, `User ${req.params.user_id} not found`);
  return u;
}

function findGroup({ state }: CloudflareContext, req: Req): UserGroupRecord {
  const g = state.userGroups.get(req.params.group_id);
  // Every custom user group is a SCIM group, made over SCIM or not (the dashboard, the v4 API).
  if (!g) throw fail(req, 404, `Group ${req.params.group_id} not found`);
  return g;
}

function findSystemGroup({ state }: CloudflareContext, req: Req): { id: string; name: string; memberIds: string[] } {
  const g = state.systemGroups().find((x) => x.id === req.params.group_id);
  if (g) return g;
  const permission = state.permissionGroups.find((p) => `${SYSTEM_GROUP_PREFIX}${p.id}` === req.params.group_id);
  if (!permission) throw fail(req, 404, `Group ${req.params.group_id} not found`);
  return { id: req.params.group_id, name: permission.name, memberIds: [] };
}

/** The spec's SCIM User as a create reads it: schemas, an e-mail userName matching the primary work e-mail, active. */
function createUser(ctx: CloudflareContext, req: Req): Res {
  const b = cloudflareBody('POST /accounts/{account_id}/scim/v2/Users', req.body);
  if (!items(b.schemas).includes(USER_SCHEMA)) throw fail(req, 400, `schemas must include ${USER_SCHEMA}`, 'invalidSyntax');
  const userName = text(b.userName);
  if (userName === undefined || !/^[^@\s]+@[^@\s]+$/.test(userName)) throw fail(req, 400, 'userName must be an email address', 'invalidValue');
  const emails = items(b.emails).map((e) => fieldsOf<'primary' | 'value'>(e));
  const primary = emails.find((e) => e.primary) ?? emails[0];
  if (!primary || String(primary.value).toLowerCase() !== userName.toLowerCase())
    throw fail(req, 400, 'emails must hold a primary work email matching userName', 'invalidValue');
  if (b.active !== true) throw fail(req, 400, 'active must be true on create', 'invalidValue');
  const name = fieldsOf<'givenName' | 'familyName'>(b.name);
  // Where a deactivated user is no longer listed, it is no longer there to conflict with: the same
  // person made again is the same user back (the record keeps its id, as Cloudflare's user id is the person's).
  const gone = [...ctx.state.scimUsers.values()].find((u) => !u.active && u.userName.toLowerCase() === userName.toLowerCase());
  if (gone && ctx.variants.deactivatedUser === 'unlisted') {
    gone.externalId = text(b.externalId) ?? gone.externalId;
    ctx.state.changeScimUser(gone, { givenName: text(name.givenName), familyName: text(name.familyName), active: true }, actor(ctx, req), 'Replace SCIM User');
    return scim(userView(ctx, gone), 201);
  }
  const user = ctx.state.createScimUser(
    {
      userName,
      givenName: text(name.givenName) ?? '',
      familyName: text(name.familyName) ?? '',
      displayName: text(b.displayName),
      externalId: text(b.externalId),
    },
    actor(ctx, req),
  );
  return scim(userView(ctx, user), 201);
}

/** The spec's PatchOp body: its Operations. */
function patchOps(req: Req): Array<Fields<'op' | 'path' | 'value'>> {
  // Users and Groups take the same PatchOp body.
  const operations = cloudflareBody('PATCH /accounts/{account_id}/scim/v2/Users/{user_id}', req.body).Operations;
  if (!Array.isArray(operations)) throw fail(req, 400, 'Operations is required', 'invalidSyntax');
  return operations.map((op) => fieldsOf<'op' | 'path' | 'value'>(op));
}

/** A user's PATCH: only replace has an effect; add and remove are accepted and ignored, as documented. */
function patchUser(ctx: CloudflareContext, req: Req): Res {
  const u = findUser(ctx, req);
  const change: ScimUserChange = {};
  for (const op of patchOps(req)) {
    if (String(op.op).toLowerCase() !== 'replace') continue;
    const values = typeof op.path === 'string' ? { [op.path]: op.value } : fieldsOf(op.value);
    for (const [path, value] of Object.entries(values)) {
      if (path === 'active') change.active = value === true || value === 'true';
      else if (path === 'userName' || path === 'emails[type eq "work"].value') change.userName = String(value);
      else if (path === 'name.givenName') change.givenName = String(value);
      else if (path === 'name.familyName') change.familyName = String(value);
      else if (path === 'name' && isRecord(value)) Object.assign(change, { givenName: text(value.givenName), familyName: text(value.familyName) });
    }
  }
  ctx.state.changeScimUser(u, change, actor(ctx, req), 'Update SCIM User');
  return scim(userView(ctx, u));
}

function putUser(ctx: CloudflareContext, req: Req): Res {
  const u = findUser(ctx, req);
  const b = cloudflareBody('PUT /accounts/{account_id}/scim/v2/Users/{user_id}', req.body);
  const userName = text(b.userName);
  if (!Array.isArray(b.schemas) || userName === undefined) throw fail(req, 400, 'schemas and userName are required', 'invalidSyntax');
  const name = fieldsOf<'givenName' | 'familyName'>(b.name);
  const active = typeof b.active === 'boolean' ? b.active : undefined;
  ctx.state.changeScimUser(u, { userName, givenName: text(name.givenName), familyName: text(name.familyName), active }, actor(ctx, req), 'Replace SCIM User');
  return scim(userView(ctx, u));
}

/** The spec's SCIM Group as a create reads it: a display name, and maybe an external id. */
function createGroup(ctx: CloudflareContext, req: Req): Res {
  const b = cloudflareBody('POST /accounts/{account_id}/scim/v2/Groups', req.body);
  const name = filled(b.displayName);
  if (name === undefined) throw fail(req, 400, 'displayName is required', 'invalidValue');
  const group = ctx.state.createScimGroup(name, text(b.externalId), actor(ctx, req));
  return scim(groupView(ctx.state, group), 201);
}

/** Members' SCIM ids from an operation's value (`[{ value }]`). */
function memberValues(value: unknown): string[] {
  return items(value).map((v) => String(fieldsOf<'value'>(v).value));
}

/** A group PATCH's operations as changes; a replace without a path carries its attributes in the value (RFC 7644 §3.5.2.3), as Okta sends a name. */
function groupChanges(req: Req): ScimGroupChange[] {
  const ops = patchOps(req).flatMap((op) =>
    String(op.op).toLowerCase() === 'replace' && op.path === undefined && isRecord(op.value)
      ? Object.entries(op.value)
          .filter(([path]) => path !== 'id')
          .map(([path, value]) => ({ op: 'replace', path, value }))
      : [op],
  );
  return ops.map((op): ScimGroupChange => {
    const kind = String(op.op).toLowerCase();
    const path = String(op.path ?? '');
    const filteredMember = /^members\[value eq "([^"]+)"\]$/.exec(path);
    if (path === 'displayName' && kind === 'replace') return { kind: 'displayName', value: String(op.value) };
    if (path === 'externalId' && kind === 'replace') return { kind: 'externalId', value: String(op.value) };
    if (path === 'members' && (kind === 'replace' || kind === 'add' || kind === 'remove')) return { kind: 'members', how: kind, users: memberValues(op.value) };
    if (filteredMember && kind === 'remove') return { kind: 'members', how: 'remove', users: [filteredMember[1]] };
    throw fail(req, 400, `Unsupported operation ${kind} ${path}`, 'invalidPath');
  });
}

function patchGroup(ctx: CloudflareContext, req: Req): Res {
  if (isSystemGroup(req)) return patchSystemGroup(ctx, req);
  const g = findGroup(ctx, req);
  ctx.state.changeScimGroup(g, groupChanges(req), actor(ctx, req), 'Update SCIM Group');
  return scim(groupView(ctx.state, g));
}

/**
 * "Dashboard SCIM now supports replacing groups using HTTP PUT" (Cloudflare changelog 2026-08-21,
 * RFC 7644 §3.5.1): the display name, external id and members, whole, in one request.
 */
function putGroup(ctx: CloudflareContext, req: Req): Res {
  if (isSystemGroup(req)) throw fail(req, 400, 'Only member operations are supported on system groups', 'mutability');
  const g = findGroup(ctx, req);
  const b = cloudflareBody('PUT /accounts/{account_id}/scim/v2/Groups/{group_id}', req.body);
  const name = filled(b.displayName);
  if (name === undefined) throw fail(req, 400, 'displayName is required', 'invalidValue');
  const by = actor(ctx, req);
  ctx.state.checkGroupName(name, g, by);
  const users = memberValues(b.members);
  for (const user of users) ctx.state.memberOfScimUser(user, by);
  const changes: ScimGroupChange[] = [
    { kind: 'displayName', value: name },
    { kind: 'externalId', value: text(b.externalId) },
    { kind: 'members', how: 'replace', users },
  ];
  ctx.state.changeScimGroup(g, changes, by, 'Replace SCIM Group');
  return scim(groupView(ctx.state, g));
}

/** "For system groups, only member management operations are supported": membership is holding the role. */
function patchSystemGroup(ctx: CloudflareContext, req: Req): Res {
  const g = findSystemGroup(ctx, req);
  const changes = patchOps(req).map((op) => {
    const kind = String(op.op).toLowerCase();
    const path = String(op.path ?? '');
    const filteredMember = /^members\[value eq "([^"]+)"\]$/.exec(path);
    if (path !== 'members' && !filteredMember) throw fail(req, 400, 'Only member operations are supported on system groups', 'mutability');
    return {
      how: kind === 'remove' ? ('remove' as const) : ('add' as const),
      users: kind === 'add' || kind === 'remove' ? (filteredMember ? [filteredMember[1]] : memberValues(op.value)) : [],
    };
  });
  ctx.state.changeSystemGroupMembers(g.id, changes, actor(ctx, req));
  return scim(systemView(ctx, findSystemGroup(ctx, req)));
}

function deleteGroup(ctx: CloudflareContext, req: Req): Res {
  if (isSystemGroup(req)) throw fail(req, 400, 'System groups cannot be deleted', 'mutability');
  ctx.state.deleteScimGroup(findGroup(ctx, req), actor(ctx, req));
  return { status: 204 };
}

function listUsers(ctx: CloudflareContext, req: Req): Res {
  // A member invited and not yet accepted: a SCIM user or not, as the variant has it.
  const pending = (u: { memberId?: string }) => u.memberId !== undefined && ctx.state.members.get(u.memberId)?.status === 'pending';
  // A deactivated user (no longer a member): kept in the listing with active false, or gone, as the variant has it.
  const gone = (u: { active: boolean }) => ctx.variants.deactivatedUser === 'unlisted' && !u.active;
  const users = [...ctx.state.scimUsers.values()].filter((u) => (ctx.variants.pendingInvitee === 'listed' || !pending(u)) && !gone(u));
  const groupsOf = groupsByMember(ctx.state);
  return list(ctx, req, users, { attribute: 'userName', of: (u) => u.userName }, (u) => userView(ctx, u, groupsOf), ctx.trailing.users);
}

/** "Returns both system groups (backed by Cloudflare permission groups, prefixed cloudflare-v1-) and custom user groups." */
function listGroups(ctx: CloudflareContext, req: Req): Res {
  const groups = [
    // System groups and custom user groups, whoever made them (the spec): a push whose name a dashboard group
    // has finds it by displayName and links to it, as Okta does, rather than meeting a 409.
    ...[...ctx.state.userGroups.values()].map((g) => ({ name: g.name, view: () => groupSummary(g) })),
    ...ctx.state.systemGroups().map((g) => ({ name: systemName(ctx, g), view: () => systemSummary(ctx, g) })),
  ];
  return list(ctx, req, groups, { attribute: 'displayName', of: (g) => g.name }, (g) => g.view(), ctx.trailing.groups);
}

function getGroup(ctx: CloudflareContext, req: Req): Res {
  return scim(isSystemGroup(req) ? systemView(ctx, findSystemGroup(ctx, req)) : groupView(ctx.state, findGroup(ctx, req)));
}

/** Cloudflare's dashboard SCIM v2: users become account members, groups become IAM user groups. */
export function scimRoutes(ctx: CloudflareContext): Route[] {
  const route = scimRoute(ctx);
  return [
    route('GET', '/Users', listUsers),
    route('POST', '/Users', createUser),
    route('GET', '/Users/{user_id}', (c, req) => scim(userView(c, findUser(c, req)))),
    route('PATCH', '/Users/{user_id}', patchUser),
    route('PUT', '/Users/{user_id}', putUser),
    route('GET', '/Groups', listGroups),
    route('POST', '/Groups', createGroup),
    route('GET', '/Groups/{group_id}', getGroup),
    route('PATCH', '/Groups/{group_id}', patchGroup),
    route('PUT', '/Groups/{group_id}', putGroup),
    route('DELETE', '/Groups/{group_id}', deleteGroup),
    ...discoveryRoutes(route),
  ];
}

function discoveryRoutes(route: ScimRouteMaker): Route[] {
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
    route('GET', '/Schemas/{schema_id}', (_ctx, req) => one([userSchema, groupSchema], req.params.schema_id, req)),
    route('GET', '/ResourceTypes', () => listOf(resourceTypes)),
    route('GET', '/ResourceTypes/{resource_type_id}', (_ctx, req) => one(resourceTypes, req.params.resource_type_id, req)),
  ];
}
