import { mkdtempSync, readFileSync } from 'node:fs';
import { ManualClock } from '../helpers/clock.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import type { TokenRecord } from '../../src/sandbox/cloudflare/records.js';
import { cleanEnv, runInProcess, secretPieces } from '../helpers/cli.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';

// #25: the SCIM token's whole life. Every run here gives no CLOUDFLARE_SCIM_TOKEN: scim-setup makes it with
// CLOUDFLARE_API_TOKEN ("Account Settings: Read" and "Account API Tokens: Edit", the sandbox's).

let current: Sandbox | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** A sandbox on a clock of the test's: the runs against it take the same clock, and every wait is taken on it. */
async function start(options: Parameters<typeof sandbox>[0] = {}): ReturnType<typeof sandbox> {
  current = await sandbox({ clock: new ManualClock(), ...options });
  return current;
}

/** scim-setup's name for a token it makes: the label, and the id of the app it is bound to. */
const PREFIX = 'scim-setup: Cloudflare SCIM (Okta app ';
const made = (s: Sandbox): TokenRecord[] => [...s.cloudflare.state.tokens.values()].filter((t) => t.name.startsWith(PREFIX) && t.status === 'active');
/** Every value a made token has had: none may be printed. */
const seen = new Set<string>();
const remember = (s: Sandbox) => {
  for (const t of made(s)) seen.add(t.value);
};

async function cli(s: Sandbox, args: string[], env: Record<string, string | undefined> = {}) {
  const r = await runInProcess(args, {
    env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: undefined, ...env }),
    secrets: sandboxSecrets(s),
    on: s,
  });
  remember(s);
  for (const value of seen) expect(r.stdout + r.stderr, `a made token leaked by scim-setup ${args.join(' ')}`).not.toContain(value);
  return r;
}

const json = (stdout: string) => JSON.parse(stdout);
/** okta's zero-touch run: no SCIM token, one group pushed, applied without asking, one JSON document. */
/** Where a made token goes for the guided step, as in CI: a file of mode 600 the admin opens. */
const TOKEN_OUT = join(mkdtempSync(join(tmpdir(), 'token-out-')), 'scim-token');
const SETUP = ['okta', '--push-group', 'Engineering', '--yes', '--json', '--wait', '20s', '--token-out', TOKEN_OUT];

describe('okta makes the SCIM token when none is given (#25 items 1, 5)', () => {
  it('a first run given only a Cloudflare token that may make tokens ends verified; the token has one permission, on this account, an expiry and its name', async () => {
    const s = await start({ admin: 'auto' });
    const dir = mkdtempSync(join(tmpdir(), 'scim-token-'));
    const before = s.clock?.now() ?? Date.now();
    const r = await cli(s, [...SETUP, '--record', join(dir, 'run.har'), '--scim-token-ttl', '45d']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r.stdout);
    expect(doc.actions[0]).toMatchObject({ id: 'app', kind: 'create' });
    expect(doc.actions.find((a: { id: string }) => a.id === 'scim-token')).toMatchObject({
      kind: 'create',
      resource: 'scim-token',
      subject: 'scim-setup: Cloudflare SCIM (Okta app {appId})',
    });
    expect(doc.verification.checks.filter((c: { status: string }) => c.status === 'fail' || c.status === 'pending')).toEqual([]);
    const life = doc.verification.checks.find((c: { id: string }) => c.id === 'scim-token-life');
    expect(life.summary).toMatch(/the SCIM token this run made .* is active and expires .* \(4\d days left\)/);

    const [token] = made(s);
    expect(made(s)).toHaveLength(1);
    // Bound to the app it was made for, by the app's id.
    expect(token.name).toBe(`${PREFIX}${doc.app.id})`);
    expect(token.accountOwned).toBe(true);
    expect(token.policies).toHaveLength(1);
    expect(token.policies[0].permission_groups.map((g) => g.name)).toEqual(['SCIM Provisioning']);
    expect(Object.keys(token.policies[0].resources)).toEqual([`com.cloudflare.api.account.${s.accountId}`]);
    const days = (Date.parse(token.expiresOn as string) - before) / 86_400_000;
    expect(days).toBeGreaterThan(44.9);
    expect(days).toBeLessThan(45.1);
    // Okta holds it: its SCIM requests carry the made token's id in the audit log.
    const app = [...s.okta.state.apps.values()][0];
    expect(app.provisioning?.token).toBe(token.value);
    expect(s.cloudflare.state.audit.some((e) => e.actor.token_id === token.id && e.raw.uri.includes('/scim/v2/'))).toBe(true);
    // Nowhere written: the recording has no value of it either.
    const har = readFileSync(join(dir, 'run.har'), 'utf8');
    for (const secret of [...seen, ...sandboxSecrets(s)]) for (const piece of secretPieces(secret)) expect(har).not.toContain(piece);

    // A re-run changes nothing and makes no second token.
    const again = await cli(s, ['okta', '--push-group', 'Engineering', '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(json(again.stdout).actions.find((a: { id: string }) => a.id === 'scim-token')).toMatchObject({ kind: 'noop' });
    expect(made(s)).toHaveLength(1);

    // Watched: verify holds no SCIM token, reads SCIM with the API token and knows Okta's by its id.
    await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');
    const verify = await cli(s, ['verify', '--push-group', 'Engineering', '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    // Cloudflare's audit log is read once a round, for both which token is Okta's and Okta's traffic.
    const audits = (await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).byRoute['GET /client/v4/accounts/{account_id}/logs/audit'];
    expect(audits).toBe(json(verify.stdout).rounds);
    const checks = json(verify.stdout).checks;
    expect(checks.find((c: { id: string }) => c.id === 'scim-token').summary).toContain('watched by its id');
    expect(checks.find((c: { id: string }) => c.id === 'scim-token-life').summary).toContain(`"${token.name}" (${token.id}) is active`);
    expect(checks.find((c: { id: string }) => c.id === 'cloudflare-audit').status).toBe('pass');

    // A SCIM token with more rights than SCIM needs is said, with the rotation that fixes it.
    const broad = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'broad', permissions: ['scim', 'accountWrite'] });
    seen.add(broad.value);
    const over = await cli(s, ['verify', '--push-group', 'Engineering', '--json'], { CLOUDFLARE_SCIM_TOKEN: broad.value });
    expect(json(over.stdout).checks.find((c: { id: string }) => c.id === 'scim-token-life')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('it may do more than SCIM needs (Account Settings Write)'),
      fix: expect.stringContaining('npx scim-setup rotate-token --create'),
    });

    // Retire: the token goes once the app is gone.
    const destroy = await cli(s, ['destroy', '--yes', '--revoke-scim-token', '--json']);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(json(destroy.stdout).applied.map((a: { id: string }) => a.id)).toContain('revoke-scim-token');
    expect(made(s)).toHaveLength(0);
    expect(s.okta.state.apps.size).toBe(0);
  }, 60_000);

  it('verify warns of a token in the last third of its life (at most 30 days), never of a short-lived one on its first day (#34 item 13)', async () => {
    const s = await start({ admin: 'auto' });
    const r = await cli(s, [
      'okta',
      '--push-group',
      'Engineering',
      '--yes',
      '--wait',
      '20s',
      '--scim-token-ttl',
      '10d',
      '--no-verify',
      '--token-out',
      TOKEN_OUT,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const v = await cli(s, ['verify', '--push-group', 'Engineering', '--json', '--wait', '20s']);
    expect(v.code, v.stderr).toBe(0);
    expect(json(v.stdout).checks.find((c: { id: string }) => c.id === 'scim-token-life')).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(/^the SCIM token "scim-setup: Cloudflare SCIM \(Okta app \w+\)" \(\w+\) is active and expires .* \(9 days left\)$/),
    });
    // A token made by hand 80 days ago for 89: 9 days left of 89 is its last third.
    const old = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', {
      name: 'made by hand',
      permissions: ['scim'],
      issuedOn: new Date(Date.now() - 80 * 86_400_000).toISOString(),
      expiresOn: new Date(Date.now() + 9.5 * 86_400_000).toISOString(),
    });
    seen.add(old.value);
    const late = await cli(s, ['verify', '--push-group', 'Engineering', '--json'], { CLOUDFLARE_SCIM_TOKEN: old.value });
    expect(json(late.stdout).checks.find((c: { id: string }) => c.id === 'scim-token-life')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/: it expires in 9 days$/),
      fix: expect.stringContaining('npx scim-setup rotate-token --create'),
    });
  }, 60_000);

  it('a run whose answer to the token creation is lost, then re-run, leaves one token: the earlier one adopted by rolling it', async () => {
    const s = await start({ admin: 'auto' });
    // Cloudflare makes the token, and the answer never arrives: an ambiguous write, as a crash after it would be.
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'POST', path: '/tokens$', afterHandler: true, times: 1 }] });
    const first = await cli(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--token-out', TOKEN_OUT]);
    expect(first.code).not.toBe(0);
    expect(made(s)).toHaveLength(1);
    const [orphan] = made(s);
    expect(s.okta.state.apps.size).toBe(1);

    const second = await cli(s, [...SETUP]);
    expect(second.code, second.stderr).toBe(0);
    const step = json(second.stdout).applied.find((a: { id: string }) => a.id === 'scim-token');
    expect(step.summary).toMatch(/^adopt account API token .* made by an earlier run before Okta had it: roll it/);
    expect(made(s).map((t) => t.id)).toEqual([orphan.id]);
    expect([...s.okta.state.apps.values()][0].provisioning?.token).toBe(made(s)[0].value);
  }, 60_000);

  it('a Cloudflare token that may not make tokens is exit 4 that names the permission and both ways forward, with nothing written', async () => {
    const s = await start({ admin: 'auto' });
    const readOnly = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'read only', permissions: ['accountRead'] });
    seen.add(readOnly.value);
    const r = await cli(s, ['okta', '--push-group', 'Engineering', '--yes'], { CLOUDFLARE_API_TOKEN: readOnly.value });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('"Account API Tokens: Edit"');
    expect(r.stderr).toContain('CLOUDFLARE_SCIM_TOKEN');
    expect(s.okta.state.apps.size).toBe(0);
    expect(made(s)).toHaveLength(0);
  });

  it("a token limited to Okta's ranges, which this machine is outside of, is proved by its record and by Okta's first use: said before it is made, exit 0, verified (#34 item 5)", async () => {
    const s = await start({ admin: 'auto' });
    const okta = s.okta.engine.egressAddress;
    expect(okta, 'the sandbox plays Okta from its own address').toBe('127.0.0.2');
    const dry = await cli(s, ['okta', '--push-group', 'Engineering', '--dry-run', '--scim-token-allow-cidr', `${okta}/32`]);
    expect(dry.stdout).toContain(`usable only from ${okta}/32 (from elsewhere, this run proves its record and Okta's first SCIM request proves its use)`);

    const r = await cli(s, [...SETUP, '--scim-token-allow-cidr', `${okta}/32`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = json(r.stdout);
    expect(r.stderr).toMatch(/record read back as asked; its value cannot be used from this machine \(127\.0\.0\.1, outside its ranges\)/);
    const [token] = made(s);
    expect(token.condition).toEqual({ request_ip: { in: [`${okta}/32`] } });
    expect([...s.okta.state.apps.values()][0].provisioning?.token).toBe(token.value);
    // Okta's own requests with it are the proof the run ends on.
    expect(doc.verification.checks.find((c: { id: string }) => c.id === 'cloudflare-audit').status).toBe('pass');
    // Cloudflare refuses the value to this machine, as it would from outside Okta's ranges at a real org.
    const here = await fetch(`${s.cloudflare.apiBaseUrl}/accounts/${s.accountId}/tokens/verify`, { headers: { authorization: `Bearer ${token.value}` } });
    expect(here.status).toBe(403);
  }, 60_000);

  it("a token limited to ranges Okta is outside of too is never called working: verification fails on Okta being refused, and rotate-token --create with Okta's range mends it", async () => {
    const s = await start({ admin: 'auto' });
    const r = await cli(s, [...SETUP, '--scim-token-allow-cidr', '203.0.113.0/24']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const [outside] = made(s);
    expect(outside.condition).toEqual({ request_ip: { in: ['203.0.113.0/24'] } });
    const failed = json(r.stdout).verification.checks.filter((c: { status: string }) => c.status === 'fail');
    expect(failed.map((c: { summary: string }) => c.summary).join('\n')).toContain('HTTP 403');

    const rotated = await cli(s, [
      'rotate-token',
      '--create',
      '--yes',
      '--json',
      '--wait',
      '20s',
      '--token-out',
      TOKEN_OUT,
      '--scim-token-allow-cidr',
      '127.0.0.2/32',
    ]);
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    expect(made(s).map((t) => t.condition)).toEqual([{ request_ip: { in: ['127.0.0.2/32'] } }]);
  }, 90_000);
});

describe('rotate-token --create (#25 item 2)', () => {
  /** A setup whose token scim-setup made, Okta taking the connection API. */
  async function setUp(variants: Parameters<typeof sandbox>[0] = {}): Promise<{ s: Sandbox; old: TokenRecord }> {
    const s = await start({ connectionApi: 'supported', ...variants });
    const r = await cli(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    const [old] = made(s);
    return { s, old };
  }
  const oktaToken = (s: Sandbox) => [...s.okta.state.apps.values()][0].provisioning?.token;
  const rotate = (s: Sandbox, extra: string[] = []) => cli(s, ['rotate-token', '--create', '--yes', '--wait', '20s', '--json', ...extra]);
  const oktaFault = (s: Sandbox, rule: Record<string, unknown>) => control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [rule] });

  it('makes the new token, hands it to Okta, proves Okta uses it, and only then revokes the old one', async () => {
    const { s, old } = await setUp();
    const r = await rotate(s);
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r.stdout);
    expect(doc.actions.map((a: { id: string }) => a.id)).toEqual(['scim-token', 'token-handover', 'token-proof', 'revoke-old-tokens']);
    const [fresh] = made(s);
    expect(made(s)).toHaveLength(1);
    expect(fresh.id).not.toBe(old.id);
    expect(oktaToken(s)).toBe(fresh.value);
    // Revoked only after the proof: the audit log has Okta's SCIM request with the new token before the deletion.
    const audit = s.cloudflare.state.audit;
    const used = audit.findIndex((e) => e.actor.token_id === fresh.id && e.raw.uri.includes('/scim/v2/'));
    const revoked = audit.findIndex((e) => e.action.description === 'Delete account API token' && e.resource.id === old.id);
    expect(used).toBeGreaterThan(-1);
    expect(revoked).toBeGreaterThan(used);
  }, 60_000);

  it("where Cloudflare's audit log records no user agent, Okta's use of the new token cannot be proved: the old token is kept, and the run says why (exit 3) (#35, auditUserAgent=absent)", async () => {
    const { s, old } = await setUp({ variants: { auditUserAgent: 'absent' } });
    const r = await rotate(s);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('records no user agent, so whether Okta made them cannot be proved: the old token is kept');
    // Okta was handed the new token; the old one stays until a person sees Okta use the new.
    const fresh = made(s).find((t) => t.id !== old.id);
    expect(oktaToken(s)).toBe(fresh?.value);
    expect(made(s).map((t) => t.id)).toContain(old.id);
  }, 60_000);

  /**
   * A rotation stopped by a fault at `service` after Okta has the new token: two tokens, Okta on the new one. Then the
   * fault is cleared and the re-run's document returned.
   */
  async function stoppedThenRerun(s: Sandbox, service: string, rule: Record<string, unknown>) {
    const [before] = made(s);
    await control(service, 'POST', '/__sandbox/faults', { rules: [rule] });
    const stopped = await rotate(s);
    expect(stopped.code).not.toBe(0);
    expect(made(s)).toHaveLength(2);
    const fresh = made(s).find((t) => t.id !== before.id) as TokenRecord;
    expect(oktaToken(s)).toBe(fresh.value);
    await control(service, 'DELETE', '/__sandbox/faults');
    const rerun = await rotate(s);
    expect(rerun.code, rerun.stderr).toBe(0);
    return { fresh, rerun: json(rerun.stdout) };
  }

  it('a rotation stopped at each step leaves a working setup, and a re-run finishes it with one token, never rolling one Okta may hold', async () => {
    const { s, old } = await setUp();
    // 1. Stopped after the new token is made, before Okta has it: Okta keeps the old one, which still works.
    await oktaFault(s, { method: 'POST', path: '/connections/default', status: 409, times: 20 });
    const stopped = await rotate(s);
    expect(stopped.code).not.toBe(0);
    expect(made(s)).toHaveLength(2);
    expect(oktaToken(s)).toBe(old.value);
    const unused = made(s).find((t) => t.id !== old.id) as TokenRecord;
    await control(s.okta.url, 'DELETE', '/__sandbox/faults');
    const finished = await rotate(s);
    expect(finished.code, finished.stderr).toBe(0);
    // Nothing proves Okta does not hold the earlier run's token, so it is not rolled: a new one is made, and both old go after the proof.
    expect(json(finished.stdout).actions[0].summary).toMatch(/^create account API token/);
    expect(json(finished.stdout).actions.at(-1)).toMatchObject({ id: 'revoke-old-tokens', operation: { ids: [unused.id, old.id] } });
    expect(made(s)).toHaveLength(1);
    expect([old.id, unused.id]).not.toContain(made(s)[0].id);
    expect(oktaToken(s)).toBe(made(s)[0].value);

    // 2. Stopped after Okta has the new token, before the proof: both work. Okta has sent nothing with the new one yet, so
    //    the re-run cannot know it in use: rolling it would kill the value Okta holds. It makes another, and revokes both
    //    once Okta's requests with that one are seen. (The proof's push is refused, so the proof cannot be made.)
    const { fresh: handed, rerun: proved } = await stoppedThenRerun(s, s.okta.url, { method: 'PATCH', path: '/group-push/mappings/', status: 409, times: 50 });
    expect(proved.actions[0].summary).toMatch(/^create account API token/);
    expect(made(s)).toHaveLength(1);
    expect(made(s)[0].id).not.toBe(handed.id);
    expect(oktaToken(s)).toBe(made(s)[0].value);

    // 3. Stopped after the proof, before the old token is revoked: the re-run only revokes it.
    const second = made(s)[0];
    const { fresh: third, rerun: cleaned } = await stoppedThenRerun(s, s.cloudflare.url, {
      method: 'DELETE',
      path: '/tokens/[0-9a-f]+$',
      status: 409,
      times: 20,
    });
    const actions = cleaned.actions;
    expect(actions[0]).toMatchObject({ kind: 'noop' });
    expect(actions.at(-1)).toMatchObject({ id: 'revoke-old-tokens', operation: { ids: [second.id] } });
    expect(made(s).map((t) => t.id)).toEqual([third.id]);
    expect(oktaToken(s)).toBe(third.value);
  }, 90_000);

  it('--create with a SCIM token given as well is exit 2 before anything is read', async () => {
    const { s } = await setUp();
    const r = await cli(s, ['rotate-token', '--create', '--yes'], { CLOUDFLARE_SCIM_TOKEN: s.env.CLOUDFLARE_SCIM_TOKEN });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--create makes the new SCIM token, and a SCIM token is given too');
  });
});

describe('two Cloudflare accounts from one Okta org (#26, on the sandbox)', () => {
  it('each account gets its own app, token and members; neither touches the other', async () => {
    const s = await start({ admin: 'auto', accounts: 2 });
    const [first, second] = s.accounts;
    const a = await cli(s, [...SETUP, '--app-label', 'Cloudflare SCIM A'], first.env);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli(
      s,
      ['okta', '--push-group', 'Sales', '--yes', '--json', '--wait', '20s', '--app-label', 'Cloudflare SCIM B', '--token-out', TOKEN_OUT],
      {
        ...second.env,
        CLOUDFLARE_SCIM_TOKEN: undefined,
      },
    );
    expect(b.code, b.stderr).toBe(0);
    const [stateA, stateB] = s.cloudflare.accounts.map((x) => x.state);
    const names = (st: typeof stateA) => [...st.userGroups.values()].map((g) => g.name);
    expect(names(stateA)).toEqual(['Engineering']);
    expect(names(stateB)).toEqual(['Sales']);
    expect([...stateB.tokens.values()].filter((t) => t.name.startsWith('scim-setup: Cloudflare SCIM B (Okta app '))).toHaveLength(1);
    const apps = [...s.okta.state.apps.values()];
    expect(apps.find((x) => x.label === 'Cloudflare SCIM B')?.provisioning?.baseUrl).toBe(second.scimBaseUrl);
    // Okta's requests for B went to B with B's token: none of them reached A.
    expect(stateA.audit.some((e) => e.actor.token_name.startsWith('scim-setup: Cloudflare SCIM B'))).toBe(false);
  }, 60_000);
});
