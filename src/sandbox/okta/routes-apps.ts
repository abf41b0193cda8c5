import { parseFilter } from '../http/filter.js';
import { oktaPage } from '../http/paginate.js';
import type { Req, Route, UntypedBody } from '../http/types.js';
import { BUCKETS, routesIn, SCOPES, type OktaContext, type RouteMaker } from './context.js';
import { notFound, oktaFailure, provisioningNotEnabled, validation } from './errors.js';
import { serializeApp } from './serialize.js';
import { appTarget, type AppRecord } from './state.js';

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

type Body = UntypedBody;

function visibilityFrom(body: Body, name: string): AppRecord['visibility'] {
  const v = (body.visibility ?? {}) as Body;
  return {
    autoLaunch: v.autoLaunch === true,
    autoSubmitToolbar: v.autoSubmitToolbar === true,
    hide: { iOS: v.hide?.iOS === true, web: v.hide?.web === true },
    appLinks: typeof v.appLinks === 'object' && v.appLinks ? v.appLinks : { [`${name}_login`]: true },
  };
}

/** Okta names a custom app after the org and its label: `<org>_<label>_<n>`. */
function customAppName(label: unknown, n: number): string {
  const slug =
    String(label ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '')
      .slice(0, 40) || 'app';
  return `sandbox_${slug}_${n + 1}`;
}

function accessibilityFrom(body: Body): AppRecord['accessibility'] {
  return { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null, ...(body.accessibility ?? {}) };
}

function settingsFrom(body: Body): Record<string, unknown> {
  const given = (body.settings ?? {}) as Body;
  return {
    ...DEFAULT_SETTINGS,
    ...given,
    notifications: { ...DEFAULT_SETTINGS.notifications, ...(given.notifications ?? {}) },
    notes: { ...DEFAULT_SETTINGS.notes, ...(given.notes ?? {}) },
  };
}

function validateAppBody(body: unknown): Body {
  if (!body || typeof body !== 'object') throw oktaFailure(400, 'E0000003', 'The request body was not well-formed.');
  const b = body as Body;
  const causes: string[] = [];
  if (typeof b.label !== 'string' || b.label.trim() === '') causes.push('label: The field cannot be left blank.');
  if (!SIGN_ON_MODES.has(b.signOnMode)) causes.push('signOnMode: The field is required and must be a known sign-on mode.');
  if (causes.length) throw validation(...causes);
  return b;
}

export function appRoutes(ctx: OktaContext): Route[] {
  const { state } = ctx;
  const route = routesIn(BUCKETS.apps);

  const list = (req: Req) => {
    let apps = [...state.apps.values()];
    const q = req.query.get('q');
    if (q) apps = apps.filter((a) => a.name.toLowerCase().startsWith(q.toLowerCase()) || a.label.toLowerCase().startsWith(q.toLowerCase()));
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
  };

  const create = (req: Req) => {
    const body = validateAppBody(req.body);
    const custom = body.name === undefined;
    const name = custom ? customAppName(body.label, state.apps.size) : String(body.name);
    if (!CATALOG_NAME.test(name)) throw validation(`name: '${name}' is not a valid app name or is not available to this org.`);
    if (body.signOnMode === 'BOOKMARK' && typeof body.settings?.app?.url !== 'string') throw validation('settings.app.url: The field cannot be left blank.');
    const t = state.now();
    const app: AppRecord = {
      id: state.ids.next('0oa'),
      name,
      label: body.label.trim(),
      signOnMode: body.signOnMode,
      status: req.query.get('activate') === 'false' ? 'INACTIVE' : 'ACTIVE',
      created: t,
      lastUpdated: t,
      visibility: visibilityFrom(body, name),
      accessibility: accessibilityFrom(body),
      settings: settingsFrom(body),
      credentials: {
        scheme: 'EDIT_USERNAME_AND_PASSWORD',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Okta's own user name template, not a JavaScript one
        userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
        revealPassword: false,
        signing: {},
      },
      provisioning: null,
      groups: new Map(),
      users: new Map(),
      provisioned: new Map(),
      unprovisioned: new Set(),
      failedTasks: new Map(),
      mappings: new Map(),
    };
    state.apps.set(app.id, app);
    state.log({ eventType: 'application.lifecycle.create', displayMessage: 'Create application', result: 'SUCCESS', targets: [appTarget(app)] });
    ctx.changed(app.id);
    return { status: 200, body: serializeApp(app, req.baseUrl) };
  };

  /** A full replace, as at Okta: what the body leaves out is reset, and provisioning is wiped. */
  const replace = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    const body = validateAppBody(req.body);
    if (body.name !== undefined && body.name !== app.name) throw validation('name: The app name cannot be changed.');
    app.label = body.label.trim();
    app.signOnMode = body.signOnMode;
    app.visibility = visibilityFrom(body, app.name);
    app.accessibility = accessibilityFrom(body);
    app.settings = settingsFrom(body);
    if (body.credentials && typeof body.credentials === 'object') app.credentials = { ...app.credentials, ...(body.credentials as Body) };
    if (app.provisioning?.enabled) {
      // Seen at Okta (terraform-provider-okta #655): a PUT through the apps API resets the Provisioning tab.
      app.provisioning = { ...app.provisioning, enabled: false };
      state.log({
        eventType: 'application.configuration.update',
        displayMessage: 'Provisioning settings reset by an application update',
        result: 'SUCCESS',
        targets: [appTarget(app)],
      });
    }
    app.lastUpdated = state.now();
    state.log({ eventType: 'application.lifecycle.update', displayMessage: 'Update application', result: 'SUCCESS', targets: [appTarget(app)] });
    ctx.changed(app.id);
    return { status: 200, body: serializeApp(app, req.baseUrl) };
  };

  const remove = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (app.status !== 'INACTIVE') throw oktaFailure(403, 'E0000056', 'Delete application forbidden.', ['Deactivate the application before deleting it.']);
    state.apps.delete(app.id);
    state.log({ eventType: 'application.lifecycle.delete', displayMessage: 'Delete application', result: 'SUCCESS', targets: [appTarget(app)] });
    return { status: 204 };
  };

  const lifecycle = (status: 'ACTIVE' | 'INACTIVE') => (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (app.status !== status) {
      app.status = status;
      app.lastUpdated = state.now();
      state.log({
        eventType: status === 'ACTIVE' ? 'application.lifecycle.activate' : 'application.lifecycle.deactivate',
        displayMessage: status === 'ACTIVE' ? 'Activate application' : 'Deactivate application',
        result: 'SUCCESS',
        targets: [appTarget(app)],
      });
      ctx.changed(app.id);
    }
    return { status: 200, body: {} };
  };

  return [
    route('GET', '/api/v1/apps', SCOPES.appsRead, list),
    route('POST', '/api/v1/apps', SCOPES.appsManage, create),
    route('GET', '/api/v1/apps/{appId}', SCOPES.appsRead, (req) => ({ status: 200, body: serializeApp(findApp(ctx, req.params.appId), req.baseUrl) })),
    route('PUT', '/api/v1/apps/{appId}', SCOPES.appsManage, replace),
    route('DELETE', '/api/v1/apps/{appId}', SCOPES.appsManage, remove),
    route('POST', '/api/v1/apps/{appId}/lifecycle/activate', SCOPES.appsManage, lifecycle('ACTIVE')),
    route('POST', '/api/v1/apps/{appId}/lifecycle/deactivate', SCOPES.appsManage, lifecycle('INACTIVE')),
    ...connectionRoutes(ctx, route),
    ...featureRoutes(ctx, route),
  ];
}

// The top-level authScheme is TOKEN-only in the spec; an unsupported app shows UNKNOWN in the profile.
const UNKNOWN_CONNECTION = { status: 'UNKNOWN', profile: { authScheme: 'UNKNOWN' } };

function connectionRoutes(ctx: OktaContext, route: RouteMaker): Route[] {
  const supported = () => ctx.connectionApi === 'supported';
  const view = (app: AppRecord, base: string) => {
    const href = `${base}/api/v1/apps/${app.id}/connections/default`;
    const self = { self: { href, hints: { allow: ['POST', 'GET'] } } };
    if (!supported()) return { ...UNKNOWN_CONNECTION, _links: self };
    const p = app.provisioning;
    const enabled = Boolean(p?.baseUrl && p.enabled);
    // As recorded: a DISABLED connection links to activate, an ENABLED one to deactivate.
    const next = enabled ? 'deactivate' : 'activate';
    const _links = { ...self, [next]: { href: `${href}/lifecycle/${next}`, hints: { allow: ['POST'] } } };
    if (!p?.baseUrl) return { authScheme: 'TOKEN', status: 'DISABLED', profile: { authScheme: 'TOKEN' }, _links };
    return { authScheme: 'TOKEN', status: enabled ? 'ENABLED' : 'DISABLED', baseUrl: p.baseUrl, profile: { authScheme: 'TOKEN' }, _links };
  };
  const setEnabled = (enabled: boolean) => (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (supported() && app.provisioning?.baseUrl) {
      app.provisioning.enabled = enabled;
      ctx.changed(app.id);
    }
    return { status: 204 };
  };
  return [
    route('GET', '/api/v1/apps/{appId}/connections/default', SCOPES.appsRead, (req) => ({
      status: 200,
      body: view(findApp(ctx, req.params.appId), req.baseUrl),
    })),
    route('POST', '/api/v1/apps/{appId}/connections/default', SCOPES.appsManage, (req) => {
      const app = findApp(ctx, req.params.appId);
      const body = (req.body ?? {}) as Body;
      const scheme = body.profile?.authScheme;
      if (scheme !== 'TOKEN' && scheme !== 'OAUTH2') throw validation('profile.authScheme: must be TOKEN or OAUTH2.');
      if (scheme === 'TOKEN' && (typeof body.profile.token !== 'string' || body.profile.token === ''))
        throw validation('profile.token: The field cannot be left blank.');
      // At Okta, an app outside the supported list answers 200 with UNKNOWN and changes nothing.
      if (!supported()) return { status: 200, body: view(app, req.baseUrl) };
      // As recorded: without ?activate=true the connection is saved DISABLED, to be activated by lifecycle/activate.
      const activate = req.query.get('activate') === 'true';
      app.provisioning = {
        ...(app.provisioning ?? { createUsers: false, deactivateUsers: false, updateUserAttributes: false, importGroups: false }),
        enabled: activate,
        baseUrl: String(body.baseUrl ?? ''),
        token: body.profile.token,
      };
      ctx.state.log({
        eventType: 'application.configuration.update',
        displayMessage: 'Update provisioning connection',
        result: 'SUCCESS',
        targets: [{ id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label }],
      });
      ctx.changed(app.id);
      return { status: 200, body: view(app, req.baseUrl) };
    }),
    route('POST', '/api/v1/apps/{appId}/connections/default/lifecycle/activate', SCOPES.appsManage, setEnabled(true)),
    route('POST', '/api/v1/apps/{appId}/connections/default/lifecycle/deactivate', SCOPES.appsManage, setEnabled(false)),
  ];
}

function featureRoutes(ctx: OktaContext, route: RouteMaker): Route[] {
  const status = (on: boolean) => (on ? 'ENABLED' : 'DISABLED');
  const feature = (app: AppRecord, base: string) => {
    const p = app.provisioning!;
    return {
      name: 'USER_PROVISIONING',
      status: 'ENABLED',
      description: 'User provisioning settings from Okta to a downstream application',
      capabilities: {
        create: { lifecycleCreate: { status: status(p.createUsers) } },
        update: {
          lifecycleDeactivate: { status: status(p.deactivateUsers) },
          profile: { status: status(p.updateUserAttributes) },
          password: { status: 'DISABLED', seed: 'RANDOM', change: 'KEEP_EXISTING' },
        },
      },
      _links: { self: { href: `${base}/api/v1/apps/${app.id}/features/USER_PROVISIONING`, hints: { allow: ['GET', 'PUT'] } } },
    };
  };
  const enabledApp = (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    if (!app.provisioning?.enabled) throw provisioningNotEnabled();
    return app;
  };
  const checkName = (name: string) => {
    if (name !== 'USER_PROVISIONING' && name !== 'INBOUND_PROVISIONING') throw notFound(`Feature ${name}`);
    if (name === 'INBOUND_PROVISIONING') throw validation('feature: INBOUND_PROVISIONING is not supported for this application.');
  };
  return [
    route('GET', '/api/v1/apps/{appId}/features', SCOPES.appsRead, (req) => ({ status: 200, body: [feature(enabledApp(req), req.baseUrl)] })),
    route('GET', '/api/v1/apps/{appId}/features/{featureName}', SCOPES.appsRead, (req) => {
      const app = enabledApp(req);
      checkName(req.params.featureName);
      return { status: 200, body: feature(app, req.baseUrl) };
    }),
    route('PUT', '/api/v1/apps/{appId}/features/{featureName}', SCOPES.appsManage, (req) => {
      const app = enabledApp(req);
      checkName(req.params.featureName);
      if (ctx.connectionApi !== 'supported') throw validation('feature: Updating USER_PROVISIONING is not supported for this application.');
      const body = (req.body ?? {}) as Body;
      const p = app.provisioning!;
      const read = (v: { status?: unknown } | undefined, current: boolean) => (v?.status === 'ENABLED' ? true : v?.status === 'DISABLED' ? false : current);
      p.createUsers = read(body.create?.lifecycleCreate, p.createUsers);
      p.deactivateUsers = read(body.update?.lifecycleDeactivate, p.deactivateUsers);
      p.updateUserAttributes = read(body.update?.profile, p.updateUserAttributes);
      app.lastUpdated = ctx.state.now();
      ctx.changed(app.id);
      return { status: 200, body: feature(app, req.baseUrl) };
    }),
  ];
}
