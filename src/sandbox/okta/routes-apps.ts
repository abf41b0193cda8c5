import { parseFilter } from '../http/filter.js';
import { oktaPage } from '../http/paginate.js';
import { fieldsOf, filled, isRecord, text } from '../http/body.js';
import type { Req, Res, Route } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext, type OktaHandler, type RouteMaker } from './context.js';
import { notFound, oktaFailure, provisioningNotEnabled, validation } from './errors.js';
import { serializeApp } from './serialize.js';
import type { AppRecord, ProvisioningSettings } from './records.js';
import { oktaBody } from './bodies.js';

/** Catalog app names are lower-case identifiers (scim2testapp, bookmark, deelhr); custom apps get one from their label. */
const CATALOG_NAME = /^[a-z0-9_]{2,100}$/;
/** Settings every recorded app carries, whatever its type. */
const DEFAULT_SETTINGS = {
  app: {},
  notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
  manualProvisioning: false,
  implicitAssignment: false,
  emOptInStatus: 'NONE',
  notes: { admin: null, enduser: null },
};
const SIGN_ON_MODES = new Set([
  'AUTO_LOGIN',
  'BASIC_AUTH',
  'BOOKMARK',
  'BROWSER_PLUGIN',
  'OPENID_CONNECT',
  'SAML_1_1',
  'SAML_2_0',
  'SECURE_PASSWORD_STORE',
  'WS_FEDERATION',
]);

export function findApp(ctx: OktaContext, appId: string): AppRecord {
  const app = ctx.state.apps.get(appId);
  if (!app) throw notFound(`AppInstance ${appId}`);
  return app;
}

/** The spec's Application, as far as a create or replace reads it. */
type AppBody = ReturnType<typeof oktaBody<'POST /api/v1/apps'>>;

function visibilityFrom(body: AppBody, name: string): AppRecord['visibility'] {
  const v = fieldsOf<'autoLaunch' | 'autoSubmitToolbar' | 'hide' | 'appLinks'>(body.visibility);
  const hide = fieldsOf<'iOS' | 'web'>(v.hide);
  return {
    autoLaunch: v.autoLaunch === true,
    autoSubmitToolbar: v.autoSubmitToolbar === true,
    hide: { iOS: hide.iOS === true, web: hide.web === true },
    appLinks: isRecord(v.appLinks) ? (v.appLinks as Record<string, boolean>) : { [`${name}_login`]: true },
  };
}

/** Okta names a custom app after the org and its label: `<org>_<label>_<n>`. */
function customAppName(label: string, n: number): string {
  const slug =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '')
      .slice(0, 40) || 'app';
  return `sandbox_${slug}_${n + 1}`;
}

function accessibilityFrom(body: AppBody): AppRecord['accessibility'] {
  return { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null, ...fieldsOf(body.accessibility) } as AppRecord['accessibility'];
}

function settingsFrom(body: AppBody): Record<string, unknown> {
  const given = fieldsOf<'notifications' | 'notes'>(body.settings);
  return {
    ...DEFAULT_SETTINGS,
    ...given,
    notifications: { ...DEFAULT_SETTINGS.notifications, ...fieldsOf(given.notifications) },
    notes: { ...DEFAULT_SETTINGS.notes, ...fieldsOf(given.notes) },
  };
}

/** An app body's two required fields, checked as Okta checks them. */
function validateAppBody(body: unknown): AppBody & { label: string; signOnMode: string } {
  if (!isRecord(body)) throw oktaFailure(400, 'E0000003', 'The request body was not well-formed.');
  const b = oktaBody('POST /api/v1/apps', body);
  const label = filled(b.label);
  const signOnMode = text(b.signOnMode);
  const causes: string[] = [];
  if (label === undefined) causes.push('label: The field cannot be left blank.');
  if (signOnMode === undefined || !SIGN_ON_MODES.has(signOnMode)) causes.push('signOnMode: The field is required and must be a known sign-on mode.');
  if (label === undefined || signOnMode === undefined || causes.length) throw validation(...causes);
  return { ...b, label: label.trim(), signOnMode };
}

function listApps({ state }: OktaContext, req: Req): Res {
  let apps = [...state.apps.values()];
  const q = req.query.get('q')?.toLowerCase();
  if (q) apps = apps.filter((a) => a.name.toLowerCase().startsWith(q) || a.label.toLowerCase().startsWith(q));
  const filter = req.query.get('filter');
  if (filter) {
    let predicate: ReturnType<typeof parseFilter>;
    try {
      predicate = parseFilter(filter, ['name', 'status', 'user.id', 'group.id', 'credentials.signing.kid']);
    } catch (error) {
      throw validation(`filter: ${(error as Error).message}`);
    }
    apps = apps.filter((a) => predicate({ name: a.name, status: a.status }));
  }
  const { page, headers } = oktaPage(req, apps, 20, 200);
  return { status: 200, body: page.map((a) => serializeApp(a, req.baseUrl)), headers };
}

function createApp({ state }: OktaContext, req: Req): Res {
  const body = validateAppBody(req.body);
  const name = body.name === undefined ? customAppName(body.label, state.apps.size) : String(body.name);
  if (!CATALOG_NAME.test(name)) throw validation(`name: '${name}' is not a valid app name or is not available to this org.`);
  if (body.signOnMode === 'BOOKMARK' && text(fieldsOf<'url'>(fieldsOf<'app'>(body.settings).app).url) === undefined)
    throw validation('settings.app.url: The field cannot be left blank.');
  const app = state.createApp({
    name,
    label: body.label,
    signOnMode: body.signOnMode,
    status: req.query.get('activate') === 'false' ? 'INACTIVE' : 'ACTIVE',
    visibility: visibilityFrom(body, name),
    accessibility: accessibilityFrom(body),
    settings: settingsFrom(body),
  });
  return { status: 200, body: serializeApp(app, req.baseUrl) };
}

function replaceApp(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const body = validateAppBody(req.body);
  if (body.name !== undefined && body.name !== app.name) throw validation('name: The app name cannot be changed.');
  ctx.state.replaceApp(app, {
    label: body.label,
    signOnMode: body.signOnMode,
    visibility: visibilityFrom(body, app.name),
    accessibility: accessibilityFrom(body),
    settings: settingsFrom(body),
    credentials: isRecord(body.credentials) ? body.credentials : undefined,
  });
  return { status: 200, body: serializeApp(app, req.baseUrl) };
}

function deleteApp(ctx: OktaContext, req: Req): Res {
  ctx.state.deleteApp(findApp(ctx, req.params.appId));
  return { status: 204 };
}

const setAppStatus =
  (status: AppRecord['status']): OktaHandler =>
  (ctx, req) => {
    ctx.state.setAppStatus(findApp(ctx, req.params.appId), status);
    return { status: 200, body: {} };
  };

export function appRoutes(ctx: OktaContext): Route[] {
  const route = routesIn(BUCKETS.apps, ctx);
  return [
    route('GET', '/api/v1/apps', SCOPES.appsRead, listApps),
    route('POST', '/api/v1/apps', SCOPES.appsManage, createApp),
    route('GET', '/api/v1/apps/{appId}', SCOPES.appsRead, (c, req) => ({ status: 200, body: serializeApp(findApp(c, req.params.appId), req.baseUrl) })),
    route('PUT', '/api/v1/apps/{appId}', SCOPES.appsManage, replaceApp),
    route('DELETE', '/api/v1/apps/{appId}', SCOPES.appsManage, deleteApp),
    route('POST', '/api/v1/apps/{appId}/lifecycle/activate', SCOPES.appsManage, setAppStatus('ACTIVE')),
    route('POST', '/api/v1/apps/{appId}/lifecycle/deactivate', SCOPES.appsManage, setAppStatus('INACTIVE')),
    ...connectionRoutes(route),
    ...featureRoutes(route),
  ];
}

// The top-level authScheme is TOKEN-only in the spec; an unsupported app shows UNKNOWN in the profile.
const UNKNOWN_CONNECTION = { status: 'UNKNOWN', profile: { authScheme: 'UNKNOWN' } };

function connectionView(ctx: OktaContext, app: AppRecord, base: string) {
  const href = `${base}/api/v1/apps/${app.id}/connections/default`;
  const self = { self: { href, hints: { allow: ['POST', 'GET'] } } };
  if (ctx.connectionApi !== 'supported') return { ...UNKNOWN_CONNECTION, _links: self };
  const p = app.provisioning;
  const enabled = Boolean(p?.baseUrl && p.enabled);
  // As recorded: a DISABLED connection links to activate, an ENABLED one to deactivate.
  const next = enabled ? 'deactivate' : 'activate';
  const _links = { ...self, [next]: { href: `${href}/lifecycle/${next}`, hints: { allow: ['POST'] } } };
  if (!p?.baseUrl) return { authScheme: 'TOKEN', status: 'DISABLED', profile: { authScheme: 'TOKEN' }, _links };
  return { authScheme: 'TOKEN', status: enabled ? 'ENABLED' : 'DISABLED', baseUrl: p.baseUrl, profile: { authScheme: 'TOKEN' }, _links };
}

/** The spec's AppConnectionRequest (TOKEN or OAUTH2 profile). */
function saveConnection(ctx: OktaContext, req: Req): Res {
  const app = findApp(ctx, req.params.appId);
  const body = oktaBody('POST /api/v1/apps/{appId}/connections/default', req.body);
  const profile = fieldsOf<'authScheme' | 'token'>(body.profile);
  if (profile.authScheme !== 'TOKEN' && profile.authScheme !== 'OAUTH2') throw validation('profile.authScheme: must be TOKEN or OAUTH2.');
  const token = text(profile.token);
  if (profile.authScheme === 'TOKEN' && !token) throw validation('profile.token: The field cannot be left blank.');
  // At Okta, an app outside the supported list answers 200 with UNKNOWN and changes nothing.
  const baseUrl = String(body.baseUrl ?? '');
  if (ctx.connectionApi === 'supported') ctx.state.connect(app, baseUrl, token ?? '', req.query.get('activate') === 'true');
  else ctx.state.handoverAsked.set(app.id, { baseUrl, token: token ?? '' });
  return { status: 200, body: connectionView(ctx, app, req.baseUrl) };
}

const setConnectionEnabled =
  (enabled: boolean): OktaHandler =>
  (ctx, req) => {
    const app = findApp(ctx, req.params.appId);
    if (ctx.connectionApi === 'supported') ctx.state.setConnectionEnabled(app, enabled);
    return { status: 204 };
  };

function connectionRoutes(route: RouteMaker): Route[] {
  return [
    route('GET', '/api/v1/apps/{appId}/connections/default', SCOPES.appsRead, (ctx, req) => ({
      status: 200,
      body: connectionView(ctx, findApp(ctx, req.params.appId), req.baseUrl),
    })),
    route('POST', '/api/v1/apps/{appId}/connections/default', SCOPES.appsManage, saveConnection),
    route('POST', '/api/v1/apps/{appId}/connections/default/lifecycle/activate', SCOPES.appsManage, setConnectionEnabled(true)),
    route('POST', '/api/v1/apps/{appId}/connections/default/lifecycle/deactivate', SCOPES.appsManage, setConnectionEnabled(false)),
  ];
}

const featureStatus = (on: boolean) => (on ? 'ENABLED' : 'DISABLED');

function featureView(app: AppRecord, p: ProvisioningSettings, base: string) {
  return {
    name: 'USER_PROVISIONING',
    status: 'ENABLED',
    description: 'User provisioning settings from Okta to a downstream application',
    capabilities: {
      create: { lifecycleCreate: { status: featureStatus(p.createUsers) } },
      update: {
        lifecycleDeactivate: { status: featureStatus(p.deactivateUsers) },
        profile: { status: featureStatus(p.updateUserAttributes) },
        password: { status: 'DISABLED', seed: 'RANDOM', change: 'KEEP_EXISTING' },
      },
    },
    _links: { self: { href: `${base}/api/v1/apps/${app.id}/features/USER_PROVISIONING`, hints: { allow: ['GET', 'PUT'] } } },
  };
}

/** The app and its provisioning, which the features API needs switched on. */
function provisioningApp(ctx: OktaContext, req: Req): { app: AppRecord; provisioning: ProvisioningSettings } {
  const app = findApp(ctx, req.params.appId);
  if (!app.provisioning?.enabled) throw provisioningNotEnabled();
  const name = req.params.featureName;
  if (name !== undefined && name !== 'USER_PROVISIONING' && name !== 'INBOUND_PROVISIONING') throw notFound(`Feature ${name}`);
  if (name === 'INBOUND_PROVISIONING') throw validation('feature: INBOUND_PROVISIONING is not supported for this application.');
  return { app, provisioning: app.provisioning };
}

/** A capability's ENABLED or DISABLED, or undefined when the body leaves it out. */
function capability(value: unknown): boolean | undefined {
  const status = fieldsOf<'status'>(value).status;
  return status === 'ENABLED' ? true : status === 'DISABLED' ? false : undefined;
}

function updateFeature(ctx: OktaContext, req: Req): Res {
  const { app, provisioning } = provisioningApp(ctx, req);
  if (ctx.connectionApi !== 'supported') throw validation('feature: Updating USER_PROVISIONING is not supported for this application.');
  // The spec's CapabilitiesObject.
  const capabilities = oktaBody('PUT /api/v1/apps/{appId}/features/{featureName}', req.body);
  const update = fieldsOf<'lifecycleDeactivate' | 'profile'>(capabilities.update);
  ctx.state.setProvisioningFeatures(app, {
    createUsers: capability(fieldsOf<'lifecycleCreate'>(capabilities.create).lifecycleCreate),
    deactivateUsers: capability(update.lifecycleDeactivate),
    updateUserAttributes: capability(update.profile),
  });
  // The settings are changed in place: the answer shows them as they now are.
  return { status: 200, body: featureView(app, provisioning, req.baseUrl) };
}

function featureRoutes(route: RouteMaker): Route[] {
  const read: OktaHandler = (ctx, req) => {
    const { app, provisioning } = provisioningApp(ctx, req);
    return { status: 200, body: featureView(app, provisioning, req.baseUrl) };
  };
  return [
    route('GET', '/api/v1/apps/{appId}/features', SCOPES.appsRead, (ctx, req) => ({ status: 200, body: [read(ctx, req).body] })),
    route('GET', '/api/v1/apps/{appId}/features/{featureName}', SCOPES.appsRead, read),
    route('PUT', '/api/v1/apps/{appId}/features/{featureName}', SCOPES.appsManage, updateFeature),
  ];
}
