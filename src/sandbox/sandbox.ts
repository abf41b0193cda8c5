import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { startApiShortcutAdmin, startScreenAdmin, type AdminMode, type EmulatedAdmin } from './admin.js';
import { startCloudflareEmulator, type CloudflareEmulator } from './cloudflare/emulator.js';
import type { ConnectionApiMode } from './okta/context.js';
import { startOktaEmulator, type OktaEmulator } from './okta/emulator.js';
import { ALL_SCOPES } from './okta/auth.js';
import { defaultSeed, type OktaSeed } from './okta/seed.js';
import type { SandboxTiming } from './timing.js';
import { defaultVariants, type SandboxVariants } from '../lib/sandbox-variants.js';

export const SANDBOX_ACCOUNT_ID = '5a3d9c1e7b2f4a6d8c0e1f2a3b4c5d6e';

export interface SandboxOptions {
  /** How many Cloudflare accounts the one API host serves; 1 by default. */
  accounts?: number;
  oktaPort?: number;
  cloudflarePort?: number;
  seed?: OktaSeed;
  accountId?: string;
  connectionApi?: ConnectionApiMode;
  /** Who does the guided step (admin.ts): a person reading the run's screen (`auto`), nobody (`manual`), or the replay's shortcut. */
  admin?: AdminMode;
  adminDelayMs?: number;
  latencyMs?: number;
  /** Real services' timing: listing lag, stamps, clock skew, jitter (all off by default). */
  timing?: SandboxTiming;
  rateLimitScale?: number;
  /** A fraction of Okta's limits: the one budget a fleet's accounts share, lowered to put it under strain. */
  oktaRateLimitFactor?: number;
  /** false: no rate limits (benchmarks of the emulators themselves). */
  rateLimits?: boolean;
  /** false: no rate limit on the Cloudflare emulator alone (benchmarks provisioning thousands of users). */
  cloudflareRateLimits?: boolean;
  /** Serve both emulators over https with this key and certificate. */
  tls?: { key: string; cert: string };
  provisioningDelayMs?: number;
  /** Addresses beyond the sandbox's own Cloudflare emulator that the emulated Okta may provision to (a test's proxy). */
  provisioningTargets?: string[];
  /** The sandbox's clock: both services' time, rate-limit windows, provisioning and the admin's delays (lib/clock.ts). */
  clock?: Clock;
  /** The Okta rate limiter's time alone, for tests. */
  oktaClock?: () => number;
  /** Readings of the vendors' open questions to play (variants.ts); the rest at their defaults. */
  variants?: Partial<SandboxVariants>;
  /** The Okta org's rate-limit warning threshold, in percent of a bucket, as an admin sets it (default 60). */
  oktaRateLimitWarningPercent?: number;
}

export interface Sandbox {
  okta: OktaEmulator;
  cloudflare: CloudflareEmulator;
  accountId: string;
  scimBaseUrl: string;
  /** The env vars that point scim-setup at this sandbox (its first account). */
  env: Record<string, string>;
  /** Every Cloudflare account, the first as in `env`: its ID, SCIM base URL and the env vars for it. */
  accounts: Array<{ accountId: string; scimBaseUrl: string; env: Record<string, string> }>;
  /** An OAuth service app registered in the Okta org, for private_key_jwt auth. */
  serviceApp: { clientId: string; privateKeyPem: string; scopes: string[] };
  /** The emulated admin, where there is one: show it the run's screen (`sees`), as a person at the terminal reads it. */
  admin?: EmulatedAdmin;
  /**
   * Whether the sandbox is doing real work now: a request being answered, or Okta's provisioning
   * sending its own. A test that moves the sandbox's clock moves it only while this is false, so
   * that no moment is skipped in the middle of work that takes real time.
   */
  busy(): boolean;
  close(): Promise<void>;
}

/** Both emulators, wired together as the real pair is: Okta provisions into Cloudflare. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const accountId = options.accountId ?? SANDBOX_ACCOUNT_ID;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceApp = { clientId: '0oasandboxserviceapp', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), scopes: ALL_SCOPES };
  const cloudflare = await startCloudflareEmulator({
    accountId,
    otherAccountIds: Array.from({ length: Math.max(0, (options.accounts ?? 1) - 1) }, (_, i) => otherAccountId(i + 2)),
    port: options.cloudflarePort,
    latencyMs: options.latencyMs,
    timing: options.timing,
    rateLimitScale: options.rateLimitScale,
    rateLimits: options.cloudflareRateLimits ?? options.rateLimits,
    tls: options.tls,
    variants: { ...defaultVariants(), ...options.variants },
    clock: options.clock,
  }).catch((error: unknown) => {
    throw withPort(error, 'cloudflare', options.cloudflarePort);
  });
  // One emulator up and the other not is no sandbox: close the first, so that nothing keeps the process alive.
  const okta = await startOktaEmulator({
    seed: options.seed ?? defaultSeed(accountId),
    port: options.oktaPort,
    connectionApi: options.connectionApi,
    latencyMs: options.latencyMs,
    timing: options.timing,
    rateLimitScale: options.rateLimitScale,
    rateLimitFactor: options.oktaRateLimitFactor,
    rateLimits: options.rateLimits,
    tls: options.tls,
    provisioningDelayMs: options.provisioningDelayMs,
    provisioningTargets: [cloudflare.apiBaseUrl, ...(options.provisioningTargets ?? [])],
    clock: options.clock,
    rateLimitClock: options.oktaClock,
    variants: { ...defaultVariants(), ...options.variants },
    rateLimitWarningPercent: options.oktaRateLimitWarningPercent,
    serviceApps: [{ clientId: serviceApp.clientId, publicJwk: publicKey.export({ format: 'jwk' }), scopes: serviceApp.scopes }],
  }).catch(async (error: unknown) => {
    await cloudflare.close();
    throw withPort(error, 'okta', options.oktaPort);
  });
  const scimBaseUrl = `${cloudflare.apiBaseUrl}/accounts/${accountId}/scim/v2`;
  const accounts = cloudflare.accounts.map((a) => ({
    accountId: a.accountId,
    scimBaseUrl: `${cloudflare.apiBaseUrl}/accounts/${a.accountId}/scim/v2`,
    env: { CLOUDFLARE_ACCOUNT_ID: a.accountId, CLOUDFLARE_SCIM_TOKEN: a.scimToken.value, CLOUDFLARE_API_TOKEN: a.readToken.value },
  }));
  const adminOptions = { delayMs: options.adminDelayMs ?? 800, clock: options.clock };
  const admin =
    options.admin === 'auto' ? startScreenAdmin(okta, adminOptions) : options.admin === 'api-shortcut' ? startApiShortcutAdmin(okta, adminOptions) : undefined;
  // The person was handed the sandbox's tokens (its env lines) and set them: what they hold, and may paste.
  for (const a of cloudflare.accounts) for (const t of [a.scimToken.value, a.readToken.value]) admin?.holds(t);
  if (admin) okta.screens.push((text) => admin.sees(text));
  return {
    okta,
    cloudflare,
    accountId,
    scimBaseUrl,
    serviceApp,
    accounts,
    ...(admin ? { admin } : {}),
    env: {
      OKTA_ORG_URL: okta.url,
      OKTA_API_TOKEN: okta.apiToken,
      CLOUDFLARE_ACCOUNT_ID: accountId,
      CLOUDFLARE_SCIM_TOKEN: cloudflare.scimToken.value,
      CLOUDFLARE_API_TOKEN: cloudflare.readToken.value,
      CLOUDFLARE_API_BASE_URL: cloudflare.apiBaseUrl,
    },
    busy: () => okta.server.answering() + cloudflare.server.answering() > 0 || okta.engine.working(),
    close: async () => {
      admin?.stop();
      await Promise.all([okta.close(), cloudflare.close()]);
    },
  };
}

/** The IDs of a sandbox's further accounts: 32 hex characters, the same every run. */
export function otherAccountId(n: number): string {
  return createHash('sha256').update(`sandbox-account-${n}`).digest('hex').slice(0, 32);
}

/** A port the sandbox could not listen on: which emulator, and which port. */
export class SandboxPortError extends Error {
  constructor(
    readonly emulator: 'okta' | 'cloudflare',
    readonly port: number | undefined,
    readonly code: string,
  ) {
    super(`the ${emulator === 'okta' ? 'Okta' : 'Cloudflare'} emulator cannot listen on 127.0.0.1:${port ?? 0} (${code})`);
  }
}

function withPort(error: unknown, emulator: 'okta' | 'cloudflare', port: number | undefined): unknown {
  const code = (error as { code?: string })?.code;
  return code === 'EADDRINUSE' || code === 'EACCES' ? new SandboxPortError(emulator, port, code) : error;
}
