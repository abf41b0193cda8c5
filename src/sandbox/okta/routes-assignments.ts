import { oktaPage } from '../http/paginate.js';
import type { Req, Route, UntypedBody } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext, type RouteMaker } from './context.js';
import { notFound, validation } from './errors.js';
import { findGroup, findUser } from './lookup.js';
import { findApp } from './routes-apps.js';
import { serializeAppGroup, serializeAppUser, serializeMapping } from './serialize.js';
import { appTarget, groupTarget, userTarget, type AppRecord, type MappingRecord } from './state.js';

type Body = UntypedBody;

/** App group and user assignments, and group-push mappings: all in Okta's /api/v1/apps* bucket. */
export function assignmentRoutes(ctx: OktaContext): Route[] {
  const { state } = ctx;
  const route = routesIn(BUCKETS.apps);
  const group = (id: string) => findGroup(state, id);
  const user = (id: string) => findUser(state, id);

  const putGroup = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const g = group(req.params.groupId);
    const body = (req.body ?? {}) as Body;
    const existing = app.groups.get(g.id);
    const priority = typeof body.priority === 'number' ? body.priority : (existing?.priority ?? app.groups.size);
    app.groups.set(g.id, { priority, lastUpdated: state.now(), profile: body.profile ?? existing?.profile ?? {} });
    if (!existing)
      state.log({
        eventType: 'group.application_assignment.add',
        displayMessage: 'Add assigned application to group',
        result: 'SUCCESS',
        targets: [groupTarget(g), appTarget(app)],
      });
    ctx.changed(app.id);
    return { status: 200, body: serializeAppGroup(app, g.id, state, req.baseUrl, false) };
  };

  const deleteGroup = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (!app.groups.delete(req.params.groupId)) throw notFound(`ApplicationGroupAssignment ${req.params.groupId}`);
    const g = state.groups.get(req.params.groupId);
    if (g)
      state.log({
        eventType: 'group.application_assignment.remove',
        displayMessage: 'Remove assigned application from group',
        result: 'SUCCESS',
        targets: [groupTarget(g), appTarget(app)],
      });
    ctx.changed(app.id);
    return { status: 204 };
  };

  const assignUser = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const body = (req.body ?? {}) as Body;
    if (typeof body.id !== 'string') throw validation('id: The field cannot be left blank.');
    const u = user(body.id);
    const t = state.now();
    const existing = app.users.get(u.id);
    // A user not assigned in any way gets a new app user, which Okta provisions afresh: it finds
    // the user in Cloudflare by userName and reactivates it there.
    if (!state.assignedUsers(app).has(u.id)) app.provisioned.delete(u.id);
    app.users.set(u.id, { created: existing?.created ?? t, lastUpdated: t });
    if (!existing)
      state.log({
        eventType: 'application.user_membership.add',
        displayMessage: 'Add user to application membership',
        result: 'SUCCESS',
        targets: [userTarget(u), appTarget(app)],
      });
    ctx.changed(app.id);
    return { status: 200, body: serializeAppUser(app, u.id, 'USER', state, req.baseUrl, false) };
  };

  const getUser = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const scope = state.assignedUsers(app).get(req.params.userId);
    if (!scope) throw notFound(`AppUser ${req.params.userId}`);
    return { status: 200, body: serializeAppUser(app, req.params.userId, scope, state, req.baseUrl, req.query.get('expand') === 'user') };
  };

  const unassignUser = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (!app.users.has(req.params.userId)) {
      if (state.assignedUsers(app).has(req.params.userId)) throw validation('This user is assigned through a group; remove the group assignment instead.');
      throw notFound(`AppUser ${req.params.userId}`);
    }
    app.users.delete(req.params.userId);
    const u = state.users.get(req.params.userId);
    if (u)
      state.log({
        eventType: 'application.user_membership.remove',
        displayMessage: 'Remove user from application membership',
        result: 'SUCCESS',
        targets: [userTarget(u), appTarget(app)],
      });
    ctx.changed(app.id);
    return { status: 204 };
  };

  return [
    route('GET', '/api/v1/apps/{appId}/groups', SCOPES.appsRead, (req) => {
      const app = findApp(ctx, req.params.appId);
      const q = req.query.get('q')?.toLowerCase();
      const ids = [...app.groups.keys()]
        .filter((id) => !q || (state.groups.get(id)?.profile.name.toLowerCase().startsWith(q) ?? false))
        .sort((a, b) => app.groups.get(a)!.priority - app.groups.get(b)!.priority);
      const { page, headers } = oktaPage(req, ids, 20, 200);
      const expand = (req.query.get('expand') ?? '').split(',').includes('group');
      return { status: 200, body: page.map((id) => serializeAppGroup(app, id, state, req.baseUrl, expand)), headers };
    }),
    route('GET', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsRead, (req) => {
      const app = findApp(ctx, req.params.appId);
      if (!app.groups.has(req.params.groupId)) throw notFound(`ApplicationGroupAssignment ${req.params.groupId}`);
      return { status: 200, body: serializeAppGroup(app, req.params.groupId, state, req.baseUrl, req.query.get('expand') === 'group') };
    }),
    route('PUT', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsManage, putGroup),
    route('DELETE', '/api/v1/apps/{appId}/groups/{groupId}', SCOPES.appsManage, deleteGroup),
    route('GET', '/api/v1/apps/{appId}/users', SCOPES.appsRead, (req) => {
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
    }),
    route('POST', '/api/v1/apps/{appId}/users', SCOPES.appsManage, assignUser),
    route('GET', '/api/v1/apps/{appId}/users/{userId}', SCOPES.appsRead, getUser),
    route('DELETE', '/api/v1/apps/{appId}/users/{userId}', SCOPES.appsManage, unassignUser),
    ...mappingRoutes(ctx, route),
  ];
}

function mappingRoutes(ctx: OktaContext, route: RouteMaker): Route[] {
  const { state } = ctx;
  const findMapping = (app: AppRecord, id: string) => {
    const m = app.mappings.get(id);
    if (!m) throw notFound(`GroupPushMapping ${id}`);
    return m;
  };

  const create = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    // Recorded: Okta creates a mapping (200, ACTIVE) on an app whose features are []; it pushes once provisioning is on.
    const body = (req.body ?? {}) as Body;
    if (typeof body.sourceGroupId !== 'string') throw validation('sourceGroupId: The field cannot be left blank.');
    const hasName = typeof body.targetGroupName === 'string' && body.targetGroupName !== '';
    const hasId = typeof body.targetGroupId === 'string' && body.targetGroupId !== '';
    if (hasName === hasId) throw validation('Either targetGroupId or targetGroupName must be provided, but not both.');
    const source = state.groups.get(body.sourceGroupId);
    if (!source) throw notFound(`UserGroup ${body.sourceGroupId}`);
    if ([...app.mappings.values()].some((m) => m.sourceGroupId === source.id)) {
      throw validation(`sourceGroupId: A group push mapping already exists for group ${source.id}.`);
    }
    const status = body.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE';
    if (body.status !== undefined && body.status !== 'ACTIVE' && body.status !== 'INACTIVE') throw validation('status: must be ACTIVE or INACTIVE.');
    let targetName = body.targetGroupName as string;
    let targetGroupId: string;
    if (hasId) {
      const target = state.groups.get(body.targetGroupId);
      if (target?.type !== 'APP_GROUP') throw notFound(`AppGroup ${body.targetGroupId}`);
      targetGroupId = target.id;
      targetName = target.profile.name;
    } else {
      targetGroupId = state.addGroup(targetName, null, 'APP_GROUP').id;
    }
    const t = state.now();
    const mapping: MappingRecord = {
      id: state.ids.next('gPm'),
      sourceGroupId: source.id,
      targetGroupId,
      targetGroupName: targetName,
      status,
      errorSummary: null,
      lastPush: null,
      created: t,
      lastUpdated: t,
      linkOnly: hasId,
    };
    app.mappings.set(mapping.id, mapping);
    state.log({
      eventType: 'application.provision.group_push.mapping.created',
      displayMessage: 'Group push mapping created',
      result: 'SUCCESS',
      targets: [groupTarget(source), appTarget(app)],
    });
    ctx.changed(app.id);
    return { status: 200, body: serializeMapping(app, mapping, req.baseUrl) };
  };

  const update = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const m = findMapping(app, req.params.mappingId);
    const status = ((req.body ?? {}) as Body).status;
    if (status !== 'ACTIVE' && status !== 'INACTIVE') throw validation('status: must be ACTIVE or INACTIVE.');
    // A mapping in ERROR can only be switched off (then fixed or deleted), not back on.
    if (m.status === 'ERROR' && status === 'ACTIVE')
      throw validation('status: A mapping in ERROR cannot be activated; fix the cause, set it INACTIVE, then ACTIVE.');
    // "If changing … to ACTIVE, Okta performs an initial push" (the API reference): a change, not
    // setting ACTIVE again, which pushes nothing.
    if (status === 'ACTIVE' && m.status !== 'ACTIVE') m.pushedMembers = undefined;
    m.status = status;
    m.errorSummary = null;
    m.lastUpdated = state.now();
    state.log({
      eventType: status === 'ACTIVE' ? 'application.provision.group_push.activate_mapping' : 'application.provision.group_push.deactivate_mapping',
      displayMessage: 'Group push mapping updated',
      result: 'SUCCESS',
      targets: [appTarget(app)],
    });
    ctx.changed(app.id);
    return { status: 200, body: serializeMapping(app, m, req.baseUrl) };
  };

  const remove = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const m = findMapping(app, req.params.mappingId);
    const deleteTarget = req.query.get('deleteTargetGroup');
    if (deleteTarget !== 'true' && deleteTarget !== 'false') throw validation('deleteTargetGroup: The query parameter is required (true or false).');
    if (m.status !== 'INACTIVE') throw validation('The group push mapping must be in an INACTIVE state to be deleted.');
    app.mappings.delete(m.id);
    state.log({
      eventType: 'application.provision.group_push.mapping.removed',
      displayMessage: 'Group push mapping removed',
      result: 'SUCCESS',
      targets: [appTarget(app)],
      debugData: { deleteTargetGroup: deleteTarget },
    });
    ctx.changed(app.id);
    if (deleteTarget === 'true' && m.scimGroupId) state.targetDeletes.push({ appId: app.id, scimGroupId: m.scimGroupId });
    // Recorded: 200 with an empty body, where most deletes answer 204.
    return { status: 200 };
  };

  return [
    route('GET', '/api/v1/apps/{appId}/group-push/mappings', SCOPES.pushRead, (req) => {
      const app = findApp(ctx, req.params.appId);
      let mappings = [...app.mappings.values()];
      const source = req.query.get('sourceGroupId');
      if (source) mappings = mappings.filter((m) => m.sourceGroupId === source);
      const status = req.query.get('status');
      if (status) mappings = mappings.filter((m) => m.status === status);
      const { page, headers } = oktaPage(req, mappings, 100, 1000);
      return { status: 200, body: page.map((m) => serializeMapping(app, m, req.baseUrl)), headers };
    }),
    route('POST', '/api/v1/apps/{appId}/group-push/mappings', SCOPES.pushManage, create),
    route('GET', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushRead, (req) => {
      const app = findApp(ctx, req.params.appId);
      return { status: 200, body: serializeMapping(app, findMapping(app, req.params.mappingId), req.baseUrl) };
    }),
    route('PATCH', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushManage, update),
    route('DELETE', '/api/v1/apps/{appId}/group-push/mappings/{mappingId}', SCOPES.pushManage, remove),
  ];
}
