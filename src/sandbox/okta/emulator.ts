import { randomBytes } from 'node:crypto';
import { RateLimiter, scaledLimits, type RateDecision, type RateWatch } from '../http/rate-limit.js';
import { Router } from '../http/router.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { startEmulator, type RunningEmulator } from '../http/server.js';
import { fieldsOf, text } from '../http/body.js';
import type { Req, Route } from '../http/types.js';
import { OktaAuth, type ServiceApp } from './auth.js';
import { BUCKETS, type ConnectionApiMode, type OktaContext } from './context.js';
import { consolePages } from './console.js';
import { oktaErrorBody, validation } from './errors.js';
import { jitter, serviceClock, type SandboxTiming } from '../timing.js';
import { oktaEgressAddress } from './egress.js';
import type { SandboxVariants } from '../../lib/sandbox-variants.js';
import { ProvisioningEngine } from './provisioning.js';
import { appRoutes, findApp } from './routes-apps.js';
import { assignmentRoutes } from './routes-assignments.js';
import { directoryRoutes } from './routes-directory.js';
import type { OktaSeed } from './seed.js';
import type { ProvisioningSettings } from './records.js';
import { OktaState } from './state.js';

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
  /** The readings of open questions the emulator plays (variants.ts). */
  variants?: SandboxVariants;
  /** The org's rate-limit warning threshold in percent, as an admin sets it (default 60). */
  rateLimitWarningPercent?: number;
  provisioningDelayMs?: number;
  /** Where Okta's SCIM client may send (base URLs; their origins count): nowhere else, whatever Base URL an app is given. */
  provisioningTargets?: string[];
  apiToken?: string;
  serviceApps?: ServiceApp[];
  /** The sandbox's clock: Okta's time, its rate-limit windows and its provisioning delays are on it (lib/clock.ts). */
  clock?: Clock;
  /** The rate limiter's time alone (tests that must not depend on where the clock is in a minute). */
  rateLimitClock?: () => number;
}

export interface OktaEmulator {
  url: string;
  apiToken: string;
  state: OktaState;
  auth: OktaAuth;
  engine: ProvisioningEngine;
  server: RunningEmulator;
  /** Who reads what `POST /__sandbox/admin/screen` shows: the emulated admin of a sandbox run in its own process. */
  screens: Array<(text: string) => void>;
  /** What an admin does on the Provisioning tab. */
  setProvisioning(appId: string, settings: Omit<ProvisioningSettings, 'enabled'> & { enabled?: boolean }): void;
  close(): Promise<void>;
}

export async function startOktaEmulator(options: OktaEmulatorOptions): Promise<OktaEmulator> {
  const timing = options.timing ?? {};
  const clock = options.clock ?? systemClock;
  const state = new OktaState(options.seed, 'okta', serviceClock(timing.oktaClockSkewMs, clock));
  state.stampOffsetMs = timing.oktaStampOffsetMs ?? 0;
  if (options.variants) state.variants = options.variants;
  if (options.rateLimitWarningPercent !== undefined) state.rateLimitWarningPercent = options.rateLimitWarningPercent;
  const targets = new Set((options.provisioningTargets ?? []).map((url) => new URL(url).origin));
  const engine = new ProvisioningEngine(state, options.provisioningDelayMs ?? 300, targets, await oktaEgressAddress(), clock);
  state.onChange((appId, delayMs) => engine.schedule(appId, delayMs));
  const auth = new OktaAuth();
  const apiToken = options.apiToken ?? `00${randomBytes(20).toString('base64url')}`;
  auth.addApiToken(apiToken);
  for (const app of options.serviceApps ?? []) auth.addServiceApp(app);
  const ctx: OktaContext = { state, connectionApi: options.connectionApi ?? 'unsupported' };

  const router = new Router();
  for (const route of [...appRoutes(ctx), ...assignmentRoutes(ctx), ...directoryRoutes(ctx), auth.tokenRoute()]) router.add(route);
  const setProvisioning: OktaEmulator['setProvisioning'] = (appId, settings) =>
    state.setProvisioning(findApp(ctx, appId), { ...settings, enabled: settings.enabled ?? true });

  const screens: OktaEmulator['screens'] = [];
  const control = controlRoutes(ctx, auth, engine);
  // A sandbox in its own process has no view of the run's terminal: what the person sees is shown to it here.
  control.add({
    method: 'POST',
    template: '/__sandbox/admin/screen',
    handler: (req: Req) => {
      const shown = text(fieldsOf<'text'>(req.body).text);
      if (shown === undefined) throw validation('text is required: what the run printed');
      for (const see of screens) see(shown);
      return { status: 204 };
    },
  });
  const server = await startEmulator(
    { ...oktaFaces(auth), router, control, pages: consolePages(state), ...oktaService(state, options, timing) },
    options.port ?? 0,
  );
  return {
    url: server.url,
    apiToken,
    state,
    auth,
    engine,
    server,
    screens,
    setProvisioning,
    close: async () => {
      engine.stop();
      await server.close();
    },
  };
}

/**
 * The sandbox's control API: what an admin does in the Admin Console (the Provisioning tab, a
 * group's members, "Provision User" on the Assignments tab, Retry on Dashboard → Tasks), through
 * the same methods of the org as the API, and what tests need (revoking a token, waiting for
 * provisioning to settle).
 */
function controlRoutes(ctx: OktaContext, auth: OktaAuth, engine: ProvisioningEngine): Router {
  const { state } = ctx;
  const control = new Router();
  const controlRoute = (method: string, template: string, handler: Route['handler']) => control.add({ method, template, handler });
  controlRoute('POST', '/__sandbox/apps/{appId}/provisioning', (req: Req) => {
    const b = fieldsOf<keyof ProvisioningSettings>(req.body);
    const baseUrl = text(b.baseUrl);
    const token = text(b.token);
    if (baseUrl === undefined || token === undefined) throw validation('baseUrl and token are required');
    state.setProvisioning(findApp(ctx, req.params.appId), {
      baseUrl,
      token,
      enabled: b.enabled !== false,
      createUsers: b.createUsers !== false,
      deactivateUsers: b.deactivateUsers !== false,
      updateUserAttributes: b.updateUserAttributes === true,
      importGroups: b.importGroups === true,
    });
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/groups/{groupId}/members', (req: Req) => {
    const group = state.groups.get(req.params.groupId);
    const user = state.users.get(text(fieldsOf<'userId'>(req.body).userId) ?? '');
    if (!group || !user) throw validation('unknown group or user');
    state.addMember(group, user);
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/apps/{appId}/provision-users', (req: Req) => {
    state.provisionWaitingUsers(findApp(ctx, req.params.appId));
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/apps/{appId}/tasks/retry', (req: Req) => {
    state.retryFailedTasks(findApp(ctx, req.params.appId));
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/tokens/revoke', (req: Req) => {
    auth.revokeApiToken(text(fieldsOf<'token'>(req.body).token) ?? '');
    return { status: 204 };
  });
  controlRoute('POST', '/__sandbox/provisioning/idle', async () => {
    await engine.idle();
    return { status: 204 };
  });
  return control;
}

const methodNotSupported = () => oktaErrorBody('E0000022', 'The endpoint does not support the provided HTTP method');

/** How Okta authenticates and answers what no route does: its error bodies and rate-limit headers. */
function oktaFaces(auth: OktaAuth) {
  return {
    name: 'okta',
    authenticate: (headers: Req['headers']) => auth.authenticate(headers),
    forbidden: () => auth.forbidden(),
    notFound: () => ({ status: 404, body: methodNotSupported() }),
    methodNotAllowed: () => ({ status: 405, body: methodNotSupported() }),
    badRequest: (_path: string, message: string) => ({ status: 400, body: oktaErrorBody('E0000003', message) }),
    internalError: (_path: string, status: number) => ({ status, body: oktaErrorBody('E0000009', 'Internal Server Error') }),
    rateLimited: () => ({ status: 429, body: oktaErrorBody('E0000047', 'API call exceeded rate limit due to too many requests.') }),
    rateHeaders: (d: RateDecision) => ({
      'x-rate-limit-limit': String(d.limit),
      'x-rate-limit-remaining': String(d.remaining),
      'x-rate-limit-reset': String(Math.ceil(d.resetAt / 1000)),
    }),
    // Sent by Okta on every API answer, as recorded.
    commonHeaders: { 'accept-ch': 'Sec-CH-UA-Platform-Version', 'referrer-policy': 'strict-origin-when-cross-origin' },
  };
}

/**
 * Okta's rate-limit events in the System Log: `system.org.rate_limit.warning` once a bucket
 * passes the org's warning threshold within a window (60 % unless an admin set another:
 * `state.rateLimitWarningPercent`), `system.org.rate_limit.violation` once it is spent. Okta e-mails the
 * org's admins for them. The fields, as the sandbox writes them: docs/sandbox.md.
 */
function rateLimitEvents(state: OktaState, limits: Record<string, { limit: number; windowMs: number }>): RateWatch {
  return {
    warningPercent: () => state.rateLimitWarningPercent,
    crossed: (bucket, kind, decision) =>
      state.log({
        eventType: `system.org.rate_limit.${kind}`,
        displayMessage: kind === 'warning' ? 'Rate limit warning' : 'Rate limit violation',
        result: kind === 'warning' ? 'SUCCESS' : 'FAILURE',
        severity: kind === 'warning' ? 'WARN' : 'ERROR',
        targets: [],
        debugData: {
          bucket,
          threshold: String(kind === 'warning' ? state.rateLimitWarningPercent : 100),
          limit: String(decision.limit),
          remaining: String(decision.remaining),
          timeSpan: String(Math.round((limits[bucket]?.windowMs ?? 60_000) / 1000)),
          timeUnit: 'SECONDS',
          resetAt: new Date(decision.resetAt).toISOString(),
        },
      }),
  };
}

/** The org's limits (one set of buckets for the org), clock, latency and state for the server. */
function oktaService(state: OktaState, options: OktaEmulatorOptions, timing: SandboxTiming) {
  const limits = options.rateLimits === false ? {} : scaledLimits(OKTA_LIMITS, options.rateLimitScale ?? 1, options.rateLimitFactor);
  return {
    rateKey: () => 'org',
    rateLimiter: new RateLimiter(limits, options.rateLimitClock ?? (() => (options.clock ?? systemClock).now()), rateLimitEvents(state, limits)),
    state: () => state.snapshot(),
    latencyMs: options.latencyMs ?? 0,
    jitter: jitter(timing.jitterMs, timing.jitterSeed ?? 1),
    clock: state.timeNow,
    tls: options.tls,
  };
}
