import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import type { TokenRecord } from '../../src/sandbox/cloudflare/records.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { control, provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

// Only ever its own token: scim-setup revokes, rolls, adopts and hands over only tokens it can prove are scim-setup's
// for this app, tells which token Okta holds only from Okta's own requests, and never cuts provisioning. Every case
// here is a world a hostile reviewer built on the sandbox; each ends with a push after the run, which must land.

let current: Sandbox | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const OKTA_UA = 'Okta SCIM Client 1.0.0';
const seen = new Set<string>();

// On a test's clock (cli runs on it): Okta's provisioning, settle times and every wait are taken on it, not slept through.
async function start(options: Parameters<typeof sandbox>[0] = {}): Promise<Sandbox> {
  current = await sandbox({ connectionApi: 'supported', clock: new ManualClock(), ...options });
  return current;
}

const active = (s: Sandbox) => [...s.cloudflare.state.tokens.values()].filter((t) => t.status === 'active');
const byId = (s: Sandbox, id: string) => [...s.cloudflare.state.tokens.values()].find((t) => t.id === id) as TokenRecord;
/** Still a working token (a revoked one leaves the account's list). */
const alive = (s: Sandbox, id: string) => byId(s, id)?.status === 'active';
/** Cloudflare's audit log of what was done to a token: created, rolled, deleted. */
const tokenEvents = (s: Sandbox, id: string) =>
  s.cloudflare.state.audit.filter((e) => e.resource.id === id && / account API token$/.test(e.action.description)).map((e) => e.action.description);
const ours = (s: Sandbox, label = 'Cloudflare SCIM') => active(s).filter((t) => t.name.startsWith(`scim-setup: ${label} (Okta app `));
const appOf = (s: Sandbox, label = 'Cloudflare SCIM') => [...s.okta.state.apps.values()].find((a) => a.label === label);

async function cli(s: Sandbox, args: string[], env: Record<string, string | undefined> = {}) {
  for (const t of s.cloudflare.state.tokens.values()) seen.add(t.value);
  const r = await runInProcess(args, {
    env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: undefined, ...env }),
    secrets: [...sandboxSecrets(s), ...seen],
    on: s,
  });
  for (const t of s.cloudflare.state.tokens.values()) {
    seen.add(t.value);
    expect(r.stdout + r.stderr, `a token value leaked by scim-setup ${args.join(' ')}`).not.toContain(t.value);
  }
  return r;
}

const json = (stdout: string) => JSON.parse(stdout);

/** A fleet config of these accounts on the sandbox, written to a file of its own; its path and folder. */
function fleetConfig(s: Sandbox, accounts: Array<Record<string, unknown>>): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
  const config = join(dir, 'fleet.json');
  const shared = { okta: { orgUrl: s.env.OKTA_ORG_URL }, cloudflare: { apiBaseUrl: s.env.CLOUDFLARE_API_BASE_URL }, pushGroups: ['Engineering'] };
  writeFileSync(config, JSON.stringify({ ...shared, accounts }));
  return { dir, config };
}

/** A fleet of the sandbox's two accounts, each API token named by its own variable, and the env that sets them. */
function twoAccountFleet(s: Sandbox) {
  const [first, second] = s.accounts;
  const { dir, config } = fleetConfig(s, [
    { name: 'one', accountId: first.accountId, apiTokenEnv: 'CF_API_ONE' },
    { name: 'two', accountId: second.accountId, apiTokenEnv: 'CF_API_TWO' },
  ]);
  return { dir, config, env: { CF_API_ONE: first.env.CLOUDFLARE_API_TOKEN, CF_API_TWO: second.env.CLOUDFLARE_API_TOKEN, CLOUDFLARE_API_TOKEN: undefined } };
}

const SETUP = ['okta', '--push-group', 'Engineering', '--yes', '--json', '--wait', '20s'];
const ROTATE = ['rotate-token', '--create', '--yes', '--json', '--wait', '20s'];

/** A token made outside scim-setup (the dashboard, another integration), through the sandbox's control API. */
async function plant(s: Sandbox, name: string, permissions: string[], accountId = s.accountId): Promise<TokenRecord> {
  const made = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name, permissions, accountId });
  seen.add(made.value);
  return byId(s, made.id);
}

/** One SCIM write with a token and a user agent: another integration's traffic, as Cloudflare's audit log records it. */
async function scimWrite(s: Sandbox, token: string, userAgent: string, email: string): Promise<void> {
  const r = await fetch(`${s.scimBaseUrl}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'user-agent': userAgent, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Side', familyName: 'Door' },
      emails: [{ value: email, type: 'work', primary: true }],
      active: true,
    }),
  });
  expect(r.status, await r.text()).toBe(201);
}

/**
 * Provisioning still works after the run: a new member of the pushed group in Okta, pushed by the emulated Okta with the
 * token it holds now, reaches Cloudflare (and Cloudflare's audit log names that token).
 */
async function pushAfterRun(s: Sandbox, label = 'Cloudflare SCIM'): Promise<void> {
  const app = appOf(s, label);
  if (!app?.provisioning) throw new Error(`no provisioning for ${label}`);
  const group = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering');
  const newcomer = [...s.okta.state.users.values()].find((u) => !s.okta.state.members.get(group?.id ?? '')?.has(u.id));
  if (!group || !newcomer) throw new Error('no group or newcomer in the seed');
  await control(s.okta.url, 'POST', `/__sandbox/groups/${group.id}/members`, { userId: newcomer.id });
  await provisioned(s);
  const login = newcomer.profile.login.toLowerCase();
  const inCloudflare = [...s.cloudflare.state.scimUsers.values()].some((u) => u.userName.toLowerCase() === login && u.active);
  expect(inCloudflare, `${login} pushed after the run`).toBe(true);
  const held = active(s).find((t) => t.value === app.provisioning?.token);
  expect(held, 'the token Okta holds is active').toBeDefined();
}

describe("rotate-token --create revokes only scim-setup's own old token for this app", () => {
  it("another integration's SCIM writes (another token, another user agent) are never taken for Okta's: that token lives, Okta's is replaced after the proof", async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    const [before] = ours(s);
    const entra = await plant(s, 'Entra ID provisioning', ['scim']);
    await scimWrite(s, entra.value, 'Microsoft Azure AD SCIM Client', 'sidedoor@example.com');

    const r = await cli(s, ROTATE);
    expect(r.code, r.stderr).toBe(0);
    const revoke = json(r.stdout).actions.find((a: { id: string }) => a.id === 'revoke-old-tokens');
    expect(revoke.operation.ids).toEqual([before.id]);
    expect(alive(s, entra.id)).toBe(true);
    expect(alive(s, before.id)).toBe(false);
    expect(ours(s)).toHaveLength(1);
    await pushAfterRun(s);
  }, 60_000);

  it("a token of scim-setup's own name and shape whose writes are not Okta's is not taken for the token Okta holds: Okta's is not revoked before the proof", async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    const [held] = ours(s);
    const twin = await plant(s, held.name, ['scim']);
    await scimWrite(s, twin.value, 'curl/8.5.0', 'twin@example.com');
    const dry = await cli(s, [...ROTATE, '--dry-run']);
    // Okta's latest requests carry the token Okta holds, not the twin that wrote last.
    expect(json(dry.stdout).actions[0]).toMatchObject({ kind: 'create' });
    const r = await cli(s, ROTATE);
    expect(r.code, r.stderr).toBe(0);
    // Both are scim-setup's by name and shape, so both go, and only after Okta's requests with the new one are seen.
    const audit = s.cloudflare.state.audit;
    const [fresh] = ours(s);
    const used = audit.findIndex((e) => e.actor.token_id === fresh.id && e.raw.user_agent === OKTA_UA);
    const revoked = audit.findIndex((e) => e.action.description === 'Delete account API token' && e.resource.id === held.id);
    expect(used).toBeGreaterThan(-1);
    expect(revoked).toBeGreaterThan(used);
    await pushAfterRun(s);
  }, 60_000);

  it('a planted token named for the app with rights scim-setup never gives is never adopted, rolled or revoked: exit 2, nothing changed', async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    const [held] = ours(s);
    const planted = await plant(s, held.name, ['scim', 'tokensWrite', 'accountRead']);
    const tokensBefore = active(s).map((t) => [t.id, t.value]);

    const r = await cli(s, ROTATE);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(planted.id);
    expect(r.stderr).toContain('with rights scim-setup never gives');
    expect(r.stderr).toContain('Account API Tokens Write (scim-setup gives SCIM Provisioning alone)');
    expect(active(s).map((t) => [t.id, t.value])).toEqual(tokensBefore);
    await pushAfterRun(s);
  }, 60_000);

  it('okta never adopts a planted token named for its app: a run stopped at the guided step, then a token of the name with three permissions and no expiry, is exit 2 and nothing is rolled or handed over', async () => {
    const s = await start({ connectionApi: 'unsupported', admin: 'manual' });
    const stopped = await cli(s, [...SETUP, '--wait', '0s']);
    expect(stopped.code).toBe(3);
    const app = appOf(s);
    if (!app) throw new Error('no app');
    const [made] = ours(s);
    const planted = await plant(s, `scim-setup: Cloudflare SCIM (Okta app ${app.id})`, ['scim', 'tokensWrite', 'accountWrite']);
    const r = await cli(s, [...SETUP, '--wait', '0s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${planted.id} ("scim-setup: Cloudflare SCIM (Okta app ${app.id})")`);
    expect(tokenEvents(s, planted.id)).toEqual([]);
    expect(tokenEvents(s, made.id)).toEqual(['Create account API token']);
    expect(app.provisioning).toBeNull();
  }, 60_000);

  it("with two Okta apps on one account, rotating one touches neither the other app's token nor its provisioning", async () => {
    const s = await start();
    expect((await cli(s, [...SETUP, '--app-label', 'Staging'])).code).toBe(0);
    expect((await cli(s, [...SETUP, '--app-label', 'Production'])).code).toBe(0);
    const [staging] = ours(s, 'Staging');
    const [production] = ours(s, 'Production');
    // Production pushed last: its token is the newest of Okta's requests.
    await pushAfterRun(s, 'Production');

    const r = await cli(s, [...ROTATE, '--app-label', 'Staging']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout).actions.find((a: { id: string }) => a.id === 'revoke-old-tokens').operation.ids).toEqual([staging.id]);
    expect(alive(s, production.id)).toBe(true);
    expect(appOf(s, 'Production')?.provisioning?.token).toBe(byId(s, production.id).value);
    await pushAfterRun(s, 'Staging');
    await pushAfterRun(s, 'Production');
  }, 60_000);

  it("an audit entry crafted with Okta's user agent and the run's own CLOUDFLARE_API_TOKEN neither revokes that token nor rolls Okta's", async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    // An API token that may write SCIM too, whose one write claims to be Okta's.
    const api = await plant(s, 'ci api token', ['accountRead', 'tokensWrite', 'scim']);
    await scimWrite(s, api.value, OKTA_UA, 'crafted@example.com');
    const [held] = ours(s);
    const oktaValue = appOf(s)?.provisioning?.token;

    const r = await cli(s, ROTATE, { CLOUDFLARE_API_TOKEN: api.value });
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r.stdout);
    expect(doc.actions.find((a: { id: string }) => a.id === 'revoke-old-tokens').operation.ids).toEqual([held.id]);
    expect(doc.warnings.join('\n')).toContain(`${api.id}, which scim-setup did not make for this app`);
    expect(alive(s, api.id)).toBe(true);
    // Okta's old token was replaced by a hand-over, never rolled (a roll kills the value Okta holds at once).
    expect(tokenEvents(s, held.id)).toEqual(['Create account API token', 'Delete account API token']);
    expect(oktaValue).not.toBe(appOf(s)?.provisioning?.token);
    await pushAfterRun(s);
  }, 60_000);

  it('no SCIM request by Okta in the window is no verdict: a new token, and the old one revoked only once Okta is seen using the new one', async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    // An hour later: nothing of Okta's in the audit log's window.
    s.cloudflare.state.audit.length = 0;
    const r = await cli(s, ROTATE);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout).warnings.join('\n')).toContain('cannot tell whether Okta holds one of them');
    expect(ours(s)).toHaveLength(1);
    await pushAfterRun(s);
  }, 60_000);

  it('a rotation whose proof cannot be made (no push mapping is active) keeps the old token: Okta may still hold only that one', async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    const [held] = ours(s);
    // The admin turned the push off: nothing can make Okta push now.
    const app = appOf(s);
    if (!app) throw new Error('no app');
    for (const mapping of app.mappings.values()) s.okta.state.setMappingStatus(app, mapping, 'INACTIVE');
    const r = await cli(s, ROTATE);
    expect(r.code).toBe(3);
    expect(alive(s, held.id)).toBe(true);
    expect(r.stderr).toContain('Okta has not been seen using the new one yet');
  }, 60_000);
});

describe('a token is handed to Okta only once proved to be the token asked for, able to write SCIM', () => {
  it('a create answer naming another token (more rights) is refused before Okta gets it', async () => {
    const s = await start();
    const other = await plant(s, 'broad token', ['scim', 'tokensWrite', 'accountWrite']);
    const view = { id: other.id, name: other.name, status: 'active', policies: other.policies, value: other.value };
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', {
      rules: [{ method: 'POST', path: '/tokens$', status: 200, times: 1, body: { success: true, errors: [], messages: [], result: view } }],
    });
    const r = await cli(s, SETUP);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not the token asked for');
    expect(appOf(s)?.provisioning?.token).not.toBe(other.value);
    expect(alive(s, other.id)).toBe(true);
    // A re-run makes its own and ends verified.
    const again = await cli(s, SETUP);
    expect(again.code, again.stderr).toBe(0);
    expect(appOf(s)?.provisioning?.token).toBe(ours(s)[0].value);
  }, 60_000);

  // Wherever Cloudflare refuses a write by such a token (its gateway, or SCIM once it has looked the user up: the
  // variant scimWriteRefusal), the token's policies, read with CLOUDFLARE_API_TOKEN, prove it.
  it.each([
    ['a read-only token', 'gateway', ['accountRead']],
    ['the API token, the two variables swapped', 'gateway', ['accountRead', 'tokensWrite']],
    ['a read-only token', 'after-lookup', ['accountRead']],
    ['the API token, the two variables swapped', 'after-lookup', ['accountRead', 'tokensWrite']],
  ] as const)(
    '%s as the SCIM token is exit 4 that names the permission, and Okta is not given it (scimWriteRefusal=%s)',
    async (_name, refusal, permissions) => {
      const s = await start({ variants: { scimWriteRefusal: refusal } });
      const token = await plant(s, 'not for SCIM', [...permissions]);
      // A dry run performs every read the apply would: the token's policies among them, so it says so before any plan.
      const dry = await cli(s, ['okta', '--push-group', 'Engineering', '--dry-run'], { CLOUDFLARE_SCIM_TOKEN: token.value });
      expect(dry.code).toBe(4);
      expect(dry.stderr).toContain('may not write SCIM');
      expect(dry.stdout + dry.stderr).not.toContain('Plan:');
      const r = await cli(s, SETUP, { CLOUDFLARE_SCIM_TOKEN: token.value });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('may not write SCIM');
      expect(r.stderr).toContain('"SCIM Provisioning: Edit"');
      expect(s.okta.state.apps.size).toBe(0);
      // Once set up, verify says the same of it, and never calls it one that may do more than SCIM needs.
      expect((await cli(s, SETUP)).code).toBe(0);
      // rotate-token's dry run, to hand Okta this token, reads the same proof, from the one verification of the token it reads.
      await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');
      const rotate = await cli(s, ['rotate-token', '--dry-run'], { CLOUDFLARE_SCIM_TOKEN: token.value });
      expect(rotate.code).toBe(4);
      expect(rotate.stderr).toContain('may not write SCIM');
      expect((await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).byRoute['GET /client/v4/accounts/{account_id}/tokens/verify']).toBe(1);
      const v = await cli(s, ['verify', '--push-group', 'Engineering', '--json'], { CLOUDFLARE_SCIM_TOKEN: token.value });
      expect(v.code).toBe(4);
      const checks = json(v.stdout).checks as Array<{ id: string; status: string; summary: string; evidence: string[] }>;
      expect(checks.find((c) => c.id === 'scim-token')).toMatchObject({ status: 'fail', evidence: [expect.stringContaining('may not write SCIM')] });
      expect(checks.map((c) => c.summary).join('\n')).not.toContain('more than SCIM needs');
    },
    60_000,
  );
});

describe('a saved plan cannot change its target after review', () => {
  it('a rotation plan reviewed as "revoke A" is stale once another of scim-setup\'s tokens appeared: nothing is revoked', async () => {
    const s = await start();
    expect((await cli(s, SETUP)).code).toBe(0);
    const [held] = ours(s);
    const dir = mkdtempSync(join(tmpdir(), 'rotate-plan-'));
    const plan = join(dir, 'plan.json');
    expect((await cli(s, ['rotate-token', '--create', '--dry-run', '--out', plan])).code).toBe(0);
    const twin = await plant(s, held.name, ['scim']);
    const r = await cli(s, ['rotate-token', '--create', '--plan', plan, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`plan revoke ${held.id}, now revoke`);
    expect(r.stderr).toContain(twin.id);
    expect(alive(s, held.id)).toBe(true);
  }, 60_000);
});

describe('a config file cannot route credentials', () => {
  const fleet = (s: Sandbox, entry: Record<string, unknown>) => fleetConfig(s, [{ name: 'prod', accountId: s.accountId, ...entry }]).config;

  it.each([
    ['apiTokenEnv: OKTA_API_TOKEN', { apiTokenEnv: 'OKTA_API_TOKEN' }, /names OKTA_API_TOKEN, which holds scim-setup's Okta credentials/],
    ['scimTokenEnv: OKTA_API_TOKEN', { scimTokenEnv: 'OKTA_API_TOKEN' }, /handed to Okta/],
    ['scimTokenEnv: GITHUB_TOKEN', { scimTokenEnv: 'GITHUB_TOKEN' }, /the CI runner's own secret/],
    ['one variable for both tokens', { scimTokenEnv: 'CF_TOKEN', apiTokenEnv: 'CF_TOKEN' }, /one variable cannot hold both/],
    ["the API token's default variable as the SCIM token", { scimTokenEnv: 'CLOUDFLARE_API_TOKEN' }, /default variable of the other Cloudflare token/],
  ])('%s is exit 2 before any request', async (_name, entry, message) => {
    const s = await start();
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');
    const r = await cli(s, ['verify', '--config', fleet(s, entry), '--json'], { CF_TOKEN: s.env.CLOUDFLARE_API_TOKEN });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect((await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).total).toBe(0);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).total).toBe(0);
  });

  it('app labels that differ only by a trailing space are one app: a duplicate, exit 2', async () => {
    const s = await start();
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    const path = join(dir, 'fleet.json');
    writeFileSync(
      path,
      JSON.stringify({
        okta: { orgUrl: s.env.OKTA_ORG_URL },
        accounts: [
          { name: 'a', accountId: s.accountId, appLabel: 'Cloudflare' },
          { name: 'b', accountId: 'f'.repeat(32), appLabel: 'Cloudflare ' },
        ],
      }),
    );
    const r = await cli(s, ['verify', '--config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the same app label as item 1');
  });

  it('an API base other than api.cloudflare.com (loopback aside) is said before anything is sent', async () => {
    const s = await start();
    const r = await cli(s, ['verify', '--json', '--wait', '0s'], { CLOUDFLARE_API_BASE_URL: 'https://cf-proxy.example.net/client/v4' });
    expect(r.stderr).toContain('The Cloudflare API base https://cf-proxy.example.net is not api.cloudflare.com: both Cloudflare tokens are sent there');
    const here = await cli(s, ['verify', '--json', '--wait', '0s']);
    expect(here.stderr).not.toContain('is not api.cloudflare.com');
  });

  it('a saved plan for one fleet account, edited to another account, is refused: the account comes from the config', async () => {
    const s = await start({ accounts: 2, admin: 'auto' });
    const [first, second] = s.accounts;
    const { dir, config, env } = twoAccountFleet(s);
    const plan = join(dir, 'plan.json');
    const saved = await cli(s, ['okta', '--config', config, '--account', 'one', '--dry-run', '--out', plan], env);
    expect(saved.code, saved.stderr).toBe(0);
    writeFileSync(plan, readFileSync(plan, 'utf8').replaceAll(first.accountId, second.accountId));
    const r = await cli(s, ['okta', '--config', config, '--account', 'one', '--plan', plan, '--yes'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cloudflare account: the plan names ${second.accountId}; this run's is ${first.accountId}`);
    expect(s.okta.state.apps.size).toBe(0);
  }, 60_000);
});

describe('token files', () => {
  it('a FIFO nobody writes is refused at once (exit 2), not waited on', async () => {
    const s = await start();
    const dir = mkdtempSync(join(tmpdir(), 'fifo-'));
    const fifo = join(dir, 'token');
    execFileSync('mkfifo', [fifo]);
    const began = Date.now();
    const r = await runInProcess(['verify', '--scim-token-file', fifo], { env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: undefined }), timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a FIFO (named pipe), not a file');
    expect(r.stderr).toContain('--scim-token-file -');
    expect(Date.now() - began).toBeLessThan(15_000);
  }, 30_000);

  it('a token file others may read is said, with the chmod that fixes it; one of mode 600 is not', async () => {
    const s = await start();
    const dir = mkdtempSync(join(tmpdir(), 'mode-'));
    const file = join(dir, 'token');
    writeFileSync(file, s.env.CLOUDFLARE_SCIM_TOKEN);
    chmodSync(file, 0o644);
    const open = await cli(s, ['verify', '--scim-token-file', file, '--wait', '0s']);
    expect(open.stderr).toContain(`--scim-token-file: ${file} may be read by other users of this machine (mode 644): run chmod 600 ${file}`);
    chmodSync(file, 0o600);
    const closed = await cli(s, ['verify', '--scim-token-file', file, '--wait', '0s']);
    expect(closed.stderr).not.toContain('may be read by other users');
  });
});

describe('a refused API token in a zero-touch verify', () => {
  it('is exit 4 with one --json document and no stack trace, alone and in a fleet where each account is reported', async () => {
    const s = await start({ admin: 'auto' });
    expect((await cli(s, SETUP)).code).toBe(0);
    const env = cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: undefined, CLOUDFLARE_API_TOKEN: 'revokedtoken0000000000000000000000000000' });
    const r = await runInProcess(['verify', '--push-group', 'Engineering', '--json'], { env, secrets: sandboxSecrets(s) });
    expect(r.code, r.stderr).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ exitCode: 4, status: 'auth' });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+|node:internal|UnhandledPromiseRejection/);
    expect(r.stderr.length).toBeLessThan(4000);
  }, 60_000);

  it('in a fleet, the account whose API token is refused is exit 4 in its own row; the other is verified; one document holds both', async () => {
    const s = await start({ admin: 'auto', accounts: 2 });
    const { config, env } = twoAccountFleet(s);
    const setUp = await cli(s, ['okta', '--config', config, '--yes', '--wait', '20s', '--json'], env);
    expect(setUp.code, setUp.stderr).toBe(0);
    const r = await runInProcess(['verify', '--config', config, '--json'], {
      env: cleanEnv({
        ...s.env,
        CLOUDFLARE_SCIM_TOKEN: undefined,
        ...env,
        CF_API_TWO: 'revokedtoken0000000000000000000000000000',
      }),
      secrets: sandboxSecrets(s),
    });
    expect(r.code, r.stderr).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc.accounts.map((a: { name: string; exitCode: number }) => [a.name, a.exitCode])).toEqual([
      ['one', 0],
      ['two', 4],
    ]);
    expect(r.stderr).not.toMatch(/node:internal|UnhandledPromiseRejection/);
  }, 60_000);
});

describe('what failed is said as it was sent', () => {
  it('a POST whose connection is lost is reported as that POST, not as a GET', async () => {
    const s = await start();
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'POST', path: '/tokens$', reset: true, times: 10 }] });
    const r = await cli(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '5s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/POST \/accounts\/<account>\/tokens failed/);
    expect(r.stderr).not.toMatch(/GET \/accounts\/<account>\/tokens failed/);
  }, 60_000);
});
