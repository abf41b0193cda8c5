import { randomBytes } from 'node:crypto';
import { RateLimiter, scaledLimits, type RateDecision } from '../http/rate-limit.js';
import { Router } from '../http/router.js';
import { startEmulator, type RunningEmulator } from '../http/server.js';
import type { Req, Route } from '../http/types.js';
import { OktaAuth, type ServiceApp } from './auth.js';
import { BUCKETS, type ConnectionApiMode, type OktaContext } from './context.js';
import { consolePages } from './console.js';
import { oktaErrorBody, validation } from './errors.js';
import { jitter, serviceClock, type SandboxTiming } from '../timing.js';
import { ProvisioningEngine } from './provisioning.js';
import { appRoutes, findApp } from './routes-apps.js';
import { assignmentRoutes } from './routes-assignments.js';
import { directoryRoutes } from './routes-directory.js';
import type { OktaSeed } from './seed.js';
import { appTarget, OktaState, type ProvisioningSettings } from './state.js';

/** Okta's per-minute limits on a paid org (research okta.md §g). */
export const OKTA_LIMITS = {
  [BUCKETS.apps]: { limit: 100, windowMs: 60_000, aligned: true },
  [BUCKETS.groups]: { limit: 600, windowMs: 60_000, aligned: true },
  [BUCKETS.users]: { limit: 600, windowMs: 60_000, aligned: true },
  [BUCKETS.logs]: { limit: 50, windowMs: 60_000, aligned: true },
};

export interface OktaEmulatorOptions {
  seed: OktaSeed;
  port?: number;
  connectionApi?: ConnectionApiMode;
  latencyMs?: number;
  timing?: SandboxTiming;
  rateLimitScale?: number;
  /** A fraction of Okta's limits (each bucket's burst multiplied by it); 1 by default. */
  rateLimitFactor?: number;
  /** false: no rate limit at all (benchmarks of the emulator itself). */
  rateLimits?: boolean;
  tls?: { key: string; cert: string };
  provisioningDelayMs?: number;
  apiToken?: string;
  serviceApps?: ServiceApp[];
  /** The rate limiter's clock (tests that must not depend on where the wall clock is in a minute). */
  clock?: () => number;
}

export interface OktaEmulator {
  url: string;
  apiToken: string;
  state: OktaState;
  auth: OktaAuth;
  engine: ProvisioningEngine;
  server: RunningEmulator;
  /** What an admin does on the Provisioning tab. */
  setProvisioning(appId: string, settings: Omit<ProvisioningSettings, 'enabled'> & { enabled?: boolean }): void;
  close(): Promise<void>;
}

export async function startOktaEmulator(options: OktaEmulatorOptions): Promise<OktaEmulator> {
  const state = new OktaState(options.seed);
  const timing = options.timing ?? {};
  state.useClock(serviceClock(timing.oktaClockSkewMs));
  state.stampOffsetMs = timing.oktaStampOffsetMs ?? 0;
  const engine = new ProvisioningEngine(state, options.provisioningDelayMs ?? 300);
  const auth = new OktaAuth();
  const apiToken = options.apiToken ?? `00${randomBytes(20).toString('base64url')}`;
  auth.addApiToken(apiToken);
  for (const app of options.serviceApps ?? []) auth.addServiceApp(app);
  const changed = (appId?: string) => {
    for (const app of appId ? [state.apps.get(appId)] : [...state.apps.values()]) if (app) state.settleAssignments(app);
    engine.schedule(appId);
  };
  const ctx: OktaContext = { state, connectionApi: options.connectionApi ?? 'unsupported', changed };

  const router = new Router();
  for (const route of [...appRoutes(ctx), ...assignmentRoutes(ctx), ...directoryRoutes(ctx), auth.tokenRoute()]) router.add(route);

  const setProvisioning: OktaEmulator['setProvisioning'] = (appId, settings) => {
    const app = findApp(ctx, appId);
    state.settleAssignments(app);
    app.provisioning = {
      enabled: settings.enabled ?? true,
      baseUrl: settings.baseUrl,
      token: settings.token,
      createUsers: settings.createUsers,
      deactivateUsers: settings.deactivateUsers,
      updateUserAttributes: settings.updateUserAttributes,
      importGroups: settings.importGroups,
    };
    app.lastUpdated = state.now();
    state.log({ eventType: 'application.configuration.update', displayMessage: 'Update provisioning settings', result: 'SUCCESS', targets: [appTarget(app)] });
    engine.schedule(appId, 0);
  };

  const control = new Router();
  const controlRoute = (method: string, template: string, handler: Route['handler']) => control.add({ method, template, handler });
  controlRoute('POST', '/__sandbox/apps/{appId}/provisioning', (req: Req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.baseUrl !== 'string' || typeof b.token !== 'string') throw validation('baseUrl and token are required');
    setProvisioning(req.params.appId, {
      baseUrl: b.baseUrl,
      token: b.token,
      enabled: b.enabled !== false,
      createUsers: b.createUsers !== false,
      deactivateUsers: b.deactivateUsers !== false,
      updateUserAttributes: b.updateUserAttributes === true,
      importGroups: b.importGroups === true,
    });
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/groups/{groupId}/members', (req: Req) => {
    const members = state.members.get(req.params.groupId);
    const userId = (req.body as { userId?: string } | undefined)?.userId;
    if (!members || !userId || !state.users.has(userId)) throw validation('unknown group or user');
    members.add(userId);
    changed();
    return { status: 204 };
  });
  // What an admin does in the Admin Console: "Provision User" on the app's Assignments tab for
  // the users assigned before provisioning was on, and Retry on Dashboard → Tasks for failed tasks.
  controlRoute('POST', '/__sandbox/apps/{appId}/provision-users', (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    app.unprovisioned.clear();
    engine.schedule(app.id, 0);
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/apps/{appId}/tasks/retry', (req: Req) => {
    const app = findApp(ctx, req.params.appId);
    app.failedTasks.clear();
    engine.schedule(app.id, 0);
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/tokens/revoke', (req: Req) => {
    auth.revokeApiToken(String((req.body as { token?: string } | undefined)?.token ?? ''));
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/provisioning/idle', async () => {
    await engine.idle();
    return { status: 204 };
  });

  const limiter = new RateLimiter(
    options.rateLimits === false ? {} : scaledLimits(OKTA_LIMITS, options.rateLimitScale ?? 1, options.rateLimitFactor),
    options.clock,
  );
  const server = await startEmulator(
    {
      name: 'okta',
      router,
      control,
      pages: consolePages(state),
      authenticate: (headers) => auth.authenticate(headers),
      forbidden: () => auth.forbidden(),
      notFound: () => ({ status: 404, body: oktaErrorBody('E0000022', 'The endpoint does not support the provided HTTP method') }),
      methodNotAllowed: () => ({ status: 405, body: oktaErrorBody('E0000022', 'The endpoint does not support the provided HTTP method') }),
      badRequest: (_path, message) => ({ status: 400, body: oktaErrorBody('E0000003', message) }),
      internalError: (_path, status) => ({ status, body: oktaErrorBody('E0000009', 'Internal Server Error') }),
      rateLimited: () => ({ status: 429, body: oktaErrorBody('E0000047', 'API call exceeded rate limit due to too many requests.') }),
      rateHeaders: (d: RateDecision) => ({
        'x-rate-limit-limit': String(d.limit),
        'x-rate-limit-remaining': String(d.remaining),
        'x-rate-limit-reset': String(Math.ceil(d.resetAt / 1000)),
      }),
      rateKey: () => 'org',
      rateLimiter: limiter,
      state: () => state.snapshot(),
      latencyMs: options.latencyMs ?? 0,
      jitter: jitter(timing.jitterMs, timing.jitterSeed ?? 1),
      clock: state.timeNow,
      // Sent by Okta on every API answer, as recorded.
      commonHeaders: { 'accept-ch': 'Sec-CH-UA-Platform-Version', 'referrer-policy': 'strict-origin-when-cross-origin' },
      tls: options.tls,
    },
    options.port ?? 0,
  );
  return {
    url: server.url,
    apiToken,
    state,
    auth,
    engine,
    server,
    setProvisioning,
    close: async () => {
      engine.stop();
      await server.close();
    },
  };
}
