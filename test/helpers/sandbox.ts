import { guideProvisioning } from '../../src/sandbox/admin.js';
import type { ManualClock } from './clock.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.js';
import { seated } from './people.js';

/**
 * A fresh sandbox per test, fast: provisioning and the emulated admin act within a few hundred ms;
 * its admin sees every run's screen. Okta's rate-limit windows are ten times shorter (the same
 * limits, a window of 6 s): a run paced to its default share of each bucket (50 %) waits for the
 * next window as at a real org, but a test file's many runs on one org wait seconds, not minutes.
 */
/**
 * A sandbox for a test. Given a ManualClock, the sandbox keeps its time on it, and a run given the
 * sandbox (`runInProcess(args, { on: s })`) takes the same clock, moved on while they both wait.
 */
export async function sandbox(options: Omit<SandboxOptions, 'clock'> & { clock?: ManualClock } = {}): Promise<Sandbox & { clock?: ManualClock }> {
  const s = await startSandbox({ provisioningDelayMs: 50, adminDelayMs: 100, rateLimitScale: 10, ...options });
  const leave = seated(s.admin);
  const close = s.close;
  return Object.assign(s, {
    clock: options.clock,
    close: async () => {
      leave();
      await close();
    },
  });
}

export function sandboxSecrets(s: Sandbox): string[] {
  return [s.env.OKTA_API_TOKEN, s.env.CLOUDFLARE_SCIM_TOKEN, s.env.CLOUDFLARE_API_TOKEN, s.serviceApp.privateKeyPem];
}

// biome-ignore lint/suspicious/noExplicitAny: a control answer is read by each test as it knows it (a token, a list), with expect
export async function control(baseUrl: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** What the guide's admin does on the app's Provisioning tab, with the sandbox's SCIM token unless told otherwise. */
export function provisionAsGuide(s: Sandbox, appId: string, overrides: { token?: string; updateUserAttributes?: boolean } = {}): void {
  s.okta.setProvisioning(appId, { ...guideProvisioning(s.scimBaseUrl, s.env.CLOUDFLARE_SCIM_TOKEN), ...overrides });
}

/** Groups with these names, one member each, assigned to the app and pushed through Okta's API, as an admin would; provisioning settled. */
export async function pushNamedGroups(s: Sandbox, names: string[]): Promise<void> {
  const users = [...s.okta.state.users.values()];
  const groups = names.map((name, i) => {
    const g = s.okta.state.addGroup(name, null, 'OKTA_GROUP');
    s.okta.state.members.get(g.id)!.add(users[i].id);
    return g;
  });
  const app = [...s.okta.state.apps.values()][0];
  const headers = { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' };
  for (const g of groups) {
    await fetch(`${s.okta.url}/api/v1/apps/${app.id}/groups/${g.id}`, { method: 'PUT', headers, body: '{}' });
    const body = JSON.stringify({ sourceGroupId: g.id, targetGroupName: g.profile.name, status: 'ACTIVE' });
    await fetch(`${s.okta.url}/api/v1/apps/${app.id}/group-push/mappings`, { method: 'POST', headers, body });
  }
  await provisioned(s);
}

/** Okta's provisioning, queued and running, done: on the sandbox's clock where it has one, moved on until then. */
export function provisioned(s: Sandbox & { clock?: ManualClock }): Promise<void> {
  return s.clock ? s.clock.runUntil(s.okta.engine.idle(), s.busy) : s.okta.engine.idle();
}

/** Waits for a state the sandbox reaches by itself (a timer's work): on its clock where it has one, moved on step by step until then. */
export async function reached(s: Sandbox & { clock?: ManualClock }, condition: () => boolean): Promise<void> {
  if (s.clock) return s.clock.until(condition, s.busy);
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

/** An admin's invitation through Cloudflare's members API (pending until accepted, the API's default), with a token that may write members. */
export function inviteByApi(s: Sandbox, email: string, roles: string[]): Promise<Response> {
  const admin = s.cloudflare.state.addToken('admin', ['accountWrite', 'accountRead']).value;
  return fetch(`${s.cloudflare.apiBaseUrl}/accounts/${s.accountId}/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, roles }),
  });
}
