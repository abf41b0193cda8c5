import { defaultVariants, type SandboxVariants } from '../../lib/sandbox-variants.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { RateLimiter, scaledLimits, type RateDecision } from '../http/rate-limit.js';
import { Router } from '../http/router.js';
import { startEmulator, type RunningEmulator } from '../http/server.js';
import type { Principal, Req, Route } from '../http/types.js';
import { cfErrorBody, documentationUrl, malformedAuthorization, refusal, TOKEN_SHAPE } from './errors.js';
import { jitter, serviceClock, type SandboxTiming } from '../timing.js';
import { fieldsOf, items, text } from '../http/body.js';
import { cloudflareContext } from './context.js';
import { expired, type Permission, type TokenRecord } from './records.js';
import { accountRoutes } from './routes.js';
import { ipAllowed } from './routes-tokens.js';
import { CloudflareState } from './state.js';

/** 1,200 requests per 5 minutes per token (research cloudflare.md §f). */
export const CLOUDFLARE_LIMITS = { api: { limit: 1200, windowMs: 300_000 } };

const GRANTS: Record<Permission, string[]> = {
  scim: ['scim', 'scim-read', 'read', 'write'],
  accountRead: ['read', 'audit', 'scim-read'],
  accountWrite: ['read', 'write', 'audit', 'scim', 'scim-read'],
  tokensRead: ['tokens-read'],
  tokensWrite: ['tokens-read', 'tokens-write'],
};

export interface CloudflareEmulatorOptions {
  /** The primary account: what `state`, `scimToken` and `readToken` are of. */
  accountId: string;
  /** Further accounts served at once, each with its own tokens. */
  otherAccountIds?: string[];
  port?: number;
  latencyMs?: number;
  timing?: SandboxTiming;
  rateLimitScale?: number;
  rateLimits?: boolean;
  tls?: { key: string; cert: string };
  /** The readings of open questions the emulator plays (lib/sandbox-variants.ts). */
  variants?: SandboxVariants;
  /** The sandbox's clock: Cloudflare's time and its rate-limit windows are on it (lib/clock.ts). */
  clock?: Clock;
}

/** One account the emulator serves: its state and its two tokens. */
export interface EmulatedAccount {
  accountId: string;
  state: CloudflareState;
  scimToken: TokenRecord;
  readToken: TokenRecord;
}

export interface CloudflareEmulator {
  url: string;
  apiBaseUrl: string;
  state: CloudflareState;
  /** Every account served, the primary first. */
  accounts: EmulatedAccount[];
  server: RunningEmulator;
  /** "SCIM Provisioning: Edit", for Okta. */
  scimToken: TokenRecord;
  /** "Account Settings: Read" and "Account API Tokens: Edit": verification, and the SCIM token made when none is given. */
  readToken: TokenRecord;
  close(): Promise<void>;
}

export async function startCloudflareEmulator(options: CloudflareEmulatorOptions): Promise<CloudflareEmulator> {
  const timing = options.timing ?? {};
  const clock = options.clock ?? systemClock;
  const accounts = [options.accountId, ...(options.otherAccountIds ?? [])].map((accountId, i) => emulatedAccount(accountId, i, timing, clock));
  const [{ state, scimToken, readToken }] = accounts;

  // One set of routes per account, the same templates in the same order: a request is served by its
  // account's, once its token is known to belong to that account.
  const variants = options.variants ?? defaultVariants();
  for (const a of accounts) {
    a.state.keepsUserAgents = variants.auditUserAgent === 'kept';
    a.state.invitationNames = variants.inviteAuditId;
  }
  const routesOf = new Map(
    accounts.map((a) => [a.accountId, accountRoutes(cloudflareContext(a.state, tokenIn(a.state), timing.cloudflareListingLagMs, variants))]),
  );
  const router = new Router();
  for (const [i, route] of (routesOf.get(options.accountId) ?? []).entries()) router.add(forAccountOfRequest(route, i, routesOf));

  const server = await startEmulator(
    {
      ...cloudflareFaces(options.rateLimitScale ?? 1, clock),
      router,
      control: controlRoutes(accounts),
      authenticate: authenticator(accounts, variants),
      rateKey: (principal) => principal.credential,
      rateLimiter: new RateLimiter(options.rateLimits === false ? {} : scaledLimits(CLOUDFLARE_LIMITS, options.rateLimitScale ?? 1), () => clock.now()),
      state: () => state.snapshot(),
      latencyMs: options.latencyMs ?? 0,
      jitter: jitter(timing.jitterMs, (timing.jitterSeed ?? 1) + 1),
      clock: state.timeNow,
      tls: options.tls,
    },
    options.port ?? 0,
  );
  return {
    url: server.url,
    apiBaseUrl: `${server.url}/client/v4`,
    state,
    accounts,
    server,
    scimToken,
    readToken,
    close: () => server.close(),
  };
}

/** An account with its owner and its two tokens. */
function emulatedAccount(accountId: string, i: number, timing: SandboxTiming, clock: Clock): EmulatedAccount {
  const name = i === 0 ? 'Sandbox Account' : `Sandbox Account ${i + 1}`;
  const state = new CloudflareState(accountId, name, 'owner@example.com', serviceClock(timing.cloudflareClockSkewMs, clock));
  return {
    accountId,
    state,
    // Made by hand, as Cloudflare's guide says, each with a year's life (a careful admin's; one that never expires is warned of).
    scimToken: state.addToken('Okta SCIM provisioning', ['scim'], true, { expiresOn: aYearFrom(state.now()) }),
    // CLOUDFLARE_API_TOKEN: reads for verification, and makes the SCIM token when none is given.
    readToken: state.addToken('scim-setup (Account Settings: Read, Account API Tokens: Edit)', ['accountRead', 'tokensWrite'], true, {
      expiresOn: aYearFrom(state.now()),
    }),
  };
}

/** The token a request carried, which the authenticator found in this account before the route ran. */
function tokenIn(state: CloudflareState): (req: Req) => TokenRecord {
  return (req) => {
    const token = state.tokens.get(req.principal.credential);
    if (!token) throw refusal(req.path, 403, 10000, 'Authentication error');
    return token;
  };
}

const aYearFrom = (now: string) => new Date(Date.parse(now) + 365 * 86_400_000).toISOString();

/** A token and the account it belongs to: a value is unique across accounts. */
function tokenAnywhere(accounts: EmulatedAccount[], value: string): { token: TokenRecord; state: CloudflareState } | undefined {
  for (const a of accounts) {
    const token = a.state.tokens.get(value);
    if (token) return { token, state: a.state };
  }
  return undefined;
}

/** The sandbox's control API: tokens made and revoked outside the API (the dashboard's part). */
function controlRoutes(accounts: EmulatedAccount[]): Router {
  const control = new Router();
  control.add({
    method: 'POST',
    template: '/__sandbox/tokens/revoke',
    handler: (req) => {
      const found = tokenAnywhere(accounts, text(fieldsOf<'token'>(req.body).token) ?? '');
      if (!found) return { status: 404, body: { error: 'unknown token' } };
      found.state.revokeToken(found.token);
      return { status: 204 };
    },
  });
  control.add({
    method: 'POST',
    template: '/__sandbox/tokens',
    handler: (req) => {
      const b = fieldsOf<'name' | 'permissions' | 'accountOwned' | 'expiresOn' | 'issuedOn' | 'accountId'>(req.body);
      const accountId = text(b.accountId) ?? accounts[0].accountId;
      const target = accounts.find((a) => a.accountId === accountId)?.state;
      if (!target) return { status: 404, body: { error: `no account ${accountId} in this sandbox` } };
      const expiresOn = text(b.expiresOn);
      const issuedOn = text(b.issuedOn);
      const token = target.addToken(
        text(b.name) ?? 'sandbox token',
        items(b.permissions).filter((p): p is Permission => typeof p === 'string' && p in GRANTS),
        b.accountOwned !== false,
        {
          ...(expiresOn ? { expiresOn: new Date(expiresOn).toISOString() } : {}),
          ...(issuedOn ? { issuedOn: new Date(issuedOn).toISOString() } : {}),
        },
      );
      return { status: 201, body: { id: token.id, value: token.value } };
    },
  });
  return control;
}

/** Cloudflare's gateway: a bearer token of the right shape, known, active, in its life and from an allowed address. */
function authenticator(accounts: EmulatedAccount[], variants: SandboxVariants) {
  return (headers: Req['headers'], path: string, remoteAddress: string): Principal => {
    const match = TOKEN_SHAPE.exec(String(headers.authorization ?? ''));
    // No bearer token at all: 400 (6003/6111) as public reports show it, or (the variant) 401 as Okta's SPEC suite expects.
    if (!match) throw variants.nonBearer === '401' ? refusal(path, 401, 10000, 'Authentication error') : malformedAuthorization();
    const found = tokenAnywhere(accounts, match[1]);
    const token = found?.token;
    const now = (found?.state ?? accounts[0].state).now();
    // An expired token still learns its status at /tokens/verify (the schema's `expired`); everywhere else it is refused.
    const outOfLife =
      token && ((expired(token, now) && !path.endsWith('/tokens/verify')) || (token.notBefore && Date.parse(token.notBefore) > Date.parse(now)));
    // An unknown, revoked or expired token: the status is our choice (docs/assumptions.md); the code is Cloudflare's.
    if (token?.status !== 'active' || outOfLife) throw refusal(path, variants.unknownToken === '401' ? 401 : 403, 10000, 'Authentication error');
    // A request from outside the token's client IP ranges, in Cloudflare's words (public reports: 403, code 9109).
    if (!ipAllowed(token, remoteAddress)) throw refusal(path, 403, 9109, `Cannot use the access token from location: ${remoteAddress.replace(/^::ffff:/, '')}`);
    token.lastUsedOn = now;
    return {
      id: token.id,
      grants: new Set([...token.permissions].flatMap((p) => GRANTS[p])),
      credential: token.value,
      name: token.name,
      account: found?.state.accountId,
    };
  };
}

/** How Cloudflare answers what no route does: its error bodies and rate-limit headers. */
function cloudflareFaces(rateLimitScale: number, clock: Clock) {
  return {
    name: 'cloudflare',
    forbidden: (route: Route, path: string) => refusal(path, 403, 10000, 'Forbidden', { documentation_url: documentationUrl(route.template, route.method) }),
    notFound: (path: string) => ({ status: 404, body: cfErrorBody(path, 404, 'No route for the URI', 7003) }),
    methodNotAllowed: (path: string) => ({ status: 405, body: cfErrorBody(path, 405, 'Method not allowed for this route', 7001) }),
    badRequest: (path: string, message: string) => ({ status: 400, body: cfErrorBody(path, 400, message, 6007) }),
    internalError: (path: string, status: number) => ({ status, body: cfErrorBody(path, status, 'Internal server error', 10001) }),
    rateLimited: (path: string, d: RateDecision) => ({
      status: 429,
      body: refusal(path, 429, 971, 'Please wait and consider throttling your request speed').body,
      headers: { 'retry-after': String(Math.max(1, Math.ceil((d.resetAt - clock.now()) / 1000))) },
    }),
    rateHeaders: (d: RateDecision) => {
      const seconds = Math.max(0, Math.ceil((d.resetAt - clock.now()) / 1000));
      return {
        ratelimit: `"default";r=${d.remaining};t=${seconds}`,
        'ratelimit-policy': `"default";q=${d.limit};w=${Math.round(CLOUDFLARE_LIMITS.api.windowMs / 1000 / rateLimitScale)}`,
      };
    },
  };
}

/**
 * A token reaches only its own account; another account ID is refused, as Cloudflare does. The
 * request is then served by its account's route (the one at the same place in its list); a route
 * with no account in its path (`/user/tokens/verify`) by the token's account.
 */
function forAccountOfRequest(route: Route, index: number, routesOf: Map<string, Route[]>): Route {
  return {
    ...route,
    handler: (req) => {
      const account = req.params.account_id ?? req.principal.account;
      const routes = account === undefined ? undefined : routesOf.get(account);
      if (req.params.account_id !== undefined && (req.params.account_id !== req.principal.account || !routes))
        throw refusal(req.path, 403, 9109, 'Unauthorized to access requested resource');
      return (routes ?? [...routesOf.values()][0])[index].handler(req);
    },
  };
}
