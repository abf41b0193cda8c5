import { fieldsOf, text } from '../http/body.js';
import { oktaPage } from '../http/paginate.js';
import type { Req, Res, Route } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext, type OktaHandler, type RouteMaker } from './context.js';
import { notFound, validation } from './errors.js';
import { findGroup, findUser } from './lookup.js';
import type { AppRecord, MappingRecord } from './records.js';
import { findApp } from './routes-apps.js';
import { serializeAppGroup, serializeAppUser, serializeMapping } from './serialize.js';
import { oktaBody } from './bodies.js';

function listAppGroups(ctx: OktaContext, req: Req): Res {
  const { state } = ctx;
  const app = findApp(ctx, req.params.appId);
  const q = req.query.get('q')?.toLowerCase();
  const priority = (id: string) => app.groups.get(id)?.priority ?? 0;
  const ids = [...app.groups.keys()]
    .filter((id) => !q || (state.groups.get(id)?.profile.name.toLowerCase().startsWith(q) ?? false))
    .sort((a, b) => priority(a) - priority(b));
  const { page, headers } = oktaPage(req, ids, 20, 200);
  const expand = (req.query.get('expand') ?? '').split(',').includes('group');
  return { status: 200, body: page.map((id) => serializeAppGroup(app, id, state, req.baseUrl, expand)), headers };
}

function getAppGroup(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  if (!app.groups.has(req.params.groupId)) throw notFound(`ApplicationGroupAssignment ${req.params.groupId}`);
  return { status: 200, body: serializeAppGroup(app, req.params.groupId, ctx.state, req.baseUrl, req.query.get('expand') === 'group') };
}

/** The spec's ApplicationGroupAssignment: a priority and a profile, both optional. */
function assignGroup(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const group = findGroup(ctx.state, req.params.groupId);
  const body = oktaBody('PUT /api/v1/apps/{appId}/groups/{groupId}', req.body);
  const profile = fieldsOf(body.profile);
  ctx.state.assignGroup(app, group, typeof body.priority === 'number' ? body.priority : undefined, body.profile === undefined ? undefined : profile);
  return { status: 200, body: serializeAppGroup(app, group.id, ctx.state, req.baseUrl, false) };
}

function unassignGroup(ctx: OktaContext, req: Req): Res {
  ctx.state.unassignGroup(findApp(ctx, req.params.appId), req.params.groupId);
  return { status: 204 };
}

function listAppUsers(ctx: OktaContext, req: Req): Res {
  const { state } = ctx;
  const app = findApp(ctx, req.params.appId);
  // `q` matches the start of a user's first name, last name or e-mail, as Okta documents.
  const q = req.query.get('q')?.toLowerCase();
  const matches = (id: string) => {
    const p = state.users.get(id)?.profile;
    return !q || [p?.firstName, p?.lastName, p?.email, p?.login].some((v) => typeof v === 'string' && v.toLowerCase().startsWith(q));
  };
  const assigned = [...state.assignedUsers(app)].filter(([id]) => matches(id));
  const { page, headers } = oktaPage(req, assigned, 50, 500);
  const expand = req.query.get('expand') === 'user';
  return { status: 200, body: page.map(([id, scope]) => serializeAppUser(app, id, scope, state, req.baseUrl, expand)), headers };
}

/** The spec's AppUserAssignRequest: the user's id. */
function assignUser(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const id = text(oktaBody('POST /api/v1/apps/{appId}/users', req.body).id);
  if (id === undefined) throw validation('id: The field cannot be left blank.');
  const user = findUser(ctx.state, id);
  ctx.state.assignUser(app, user);
  return { status: 200, body: serializeAppUser(app, user.id, 'USER', ctx.state, req.baseUrl, false) };
}

function getAppUser(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const scope = ctx.state.assignedUsers(app).get(req.params.userId);
  if (!scope) throw notFound(`AppUser ${req.params.userId}`);
  return { status: 200, body: serializeAppUser(app, req.params.userId, scope, ctx.state, req.baseUrl, req.query.get('expand') === 'user') };
}

function unassignUser(ctx: OktaContext, req: Req): Res {
  ctx.state.unassignUser(findApp(ctx, req.params.appId), req.params.userId);
  return { status: 204 };
}

/** App group and user assignments, and group-push mappings: all in Okta's /api/v1/apps* bucket. */
export function assignmentRoutes(ctx: OktaContext): Route[] {
  const route = routesIn(BUCKETS.apps, ctx);
  return [
    route('GET', '/api/v1/apps/{appId}/groups', SCOPES.appsRead, listAppGroups),
    route('GET', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsRead, getAppGroup),
    route('PUT', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsManage, assignGroup),
    route('DELETE', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsManage, unassignGroup),
    route('GET', '/api/v1/apps/{appId}/users', SCOPES.appsRead, listAppUsers),
    route('POST', '/api/v1/apps/{appId}/users', SCOPES.appsManage, assignUser),
    route('GET', '/api/v1/apps/{appId}/users/{userId}', SCOPES.appsRead, getAppUser),
    route('DELETE', '/api/v1/apps/{appId}/users/{userId}', SCOPES.appsManage, unassignUser),
    ...mappingRoutes(route),
  ];
}

function findMapping(app: AppRecord, id: string): MappingRecord {
  const m = app.mappings.get(id);
  if (!m) throw notFound(`GroupPushMapping ${id}`);
  return m;
}

function mappingStatus(value: unknown): 'ACTIVE' | 'INACTIVE' {
  if (value !== 'ACTIVE' && value !== 'INACTIVE') throw validation('status: must be ACTIVE or INACTIVE.');
  return value;
}

function listMappings(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const source = req.query.get('sourceGroupId');
  const status = req.query.get('status');
  const mappings = [...app.mappings.values()].filter((m) => (!source || m.sourceGroupId === source) && (!status || m.status === status));
  const { page, headers } = oktaPage(req, mappings, 100, 1000);
  return { status: 200, body: page.map((m) => serializeMapping(app, m, req.baseUrl)), headers };
}

/** The spec's CreateGroupPushMappingRequest: a source group and either a target group's id or a new target's name. */
function createMapping(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  // Recorded: Okta creates a mapping (200, ACTIVE) on an app whose features are []; it pushes once provisioning is on.
  const body = oktaBody('POST /api/v1/apps/{appId}/group-push/mappings', req.body);
  const sourceId = text(body.sourceGroupId);
  if (sourceId === undefined) throw validation('sourceGroupId: The field cannot be left blank.');
  const name = text(body.targetGroupName) || undefined;
  const targetId = text(body.targetGroupId) || undefined;
  if ((name === undefined) === (targetId === undefined)) throw validation('Either targetGroupId or targetGroupName must be provided, but not both.');
  const source = ctx.state.groups.get(sourceId);
  if (!source) throw notFound(`UserGroup ${sourceId}`);
  const status = body.status === undefined ? 'ACTIVE' : mappingStatus(body.status);
  const mapping = ctx.state.createMapping(app, source, targetId === undefined ? { name: name ?? '' } : { groupId: targetId }, status);
  return { status: 200, body: serializeMapping(app, mapping, req.baseUrl) };
}

/** The spec's UpdateGroupPushMappingRequest: the status alone. */
function updateMapping(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const mapping = findMapping(app, req.params.mappingId);
  ctx.state.setMappingStatus(app, mapping, mappingStatus(oktaBody('PATCH /api/v1/apps/{appId}/group-push/mappings/{mappingId}', req.body).status));
  return { status: 200, body: serializeMapping(app, mapping, req.baseUrl) };
}

function deleteMapping(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const mapping = findMapping(app, req.params.mappingId);
  const deleteTarget = req.query.get('deleteTargetGroup');
  // Optional, default false (the API reference); anything else than true or false is refused.
  if (deleteTarget !== null && deleteTarget !== 'true' && deleteTarget !== 'false') throw validation('deleteTargetGroup: must be true or false.');
  ctx.state.deleteMapping(app, mapping, deleteTarget === 'true');
  // Recorded: 200 with an empty body, where most deletes answer 204.
  return { status: 200 };
}

const getMapping: OktaHandler = (ctx, req) => {
  const app = findApp(ctx, req.params.appId);
  return { status: 200, body: serializeMapping(app, findMapping(app, req.params.mappingId), req.baseUrl) };
};

function mappingRoutes(route: RouteMaker): Route[] {
  return [
    route('GET', '/api/v1/apps/{appId}/group-push/mappings', SCOPES.pushRead, listMappings),
    route('POST', '/api/v1/apps/{appId}/group-push/mappings', SCOPES.pushManage, createMapping),
    route('GET', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushRead, getMapping),
    route('PATCH', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushManage, updateMapping),
    route('DELETE', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushManage, deleteMapping),
  ];
}
