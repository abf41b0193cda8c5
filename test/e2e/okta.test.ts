import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { generatedSeed } from '../../src/sandbox/okta/seed.js';
import { cleanEnv, runInProcess, startInProcess } from '../helpers/cli.js';
import { control, provisionAsGuide, provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

let current: Sandbox | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** A sandbox on a clock of the test's, the runs against it on the same (`wall`: on the wall's, for a run whose output the test reads as it streams). */
async function start(options: Parameters<typeof sandbox>[0] = {}, wall?: 'wall'): Promise<Sandbox> {
  current = await sandbox(wall ? options : { clock: new ManualClock(), ...options });
  return current;
}

function okta(s: Sandbox, args: string[], env: Record<string, string | undefined> = {}) {
  return runInProcess(['okta', ...args], { on: s, env: cleanEnv({ ...s.env, ...env }), secrets: sandboxSecrets(s) });
}

const json = (stdout: string) => JSON.parse(stdout);
const apps = (s: Sandbox) => [...s.okta.state.apps.values()];

describe('scim-setup okta against the sandbox', () => {
  it('takes an org from nothing to a verified setup through the guided step (connection API unsupported, admin auto), and a re-run changes nothing', async () => {
    const s = await start({ admin: 'auto' });
    const first = await okta(s, ['--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--json', '--wait', '20s']);
    expect(first.code, first.stderr).toBe(0);
    const doc = json(first.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.applied.map((a: { id: string }) => a.id).sort()).toEqual([
      'app',
      'group-assignment:Engineering',
      'group-assignment:Sales',
      'provisioning',
      'push-mapping:Engineering',
    ]);
    expect(doc.verification.checks.filter((c: { status: string }) => c.status === 'fail' || c.status === 'pending')).toEqual([]);
    expect(first.stderr).toContain('#tab-provisioning');
    expect(apps(s)).toHaveLength(1);
    const engineering = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering');
    expect(engineering?.members.size).toBe(24);

    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    const second = await okta(s, ['--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(json(second.stdout).actions.every((a: { kind: string }) => a.kind === 'noop')).toBe(true);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
    expect(apps(s)).toHaveLength(1);
  });

  it('uses the connection API where Okta takes it (supported): no guided step, the token is set on the app', async () => {
    const s = await start({ connectionApi: 'supported' });
    const r = await okta(s, ['--push-group', 'Engineering', '--yes', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('#tab-provisioning');
    const app = apps(s)[0];
    expect(app.provisioning).toMatchObject({
      enabled: true,
      baseUrl: s.scimBaseUrl,
      token: s.env.CLOUDFLARE_SCIM_TOKEN,
      createUsers: true,
      deactivateUsers: true,
      updateUserAttributes: false,
    });
  });

  it('--dry-run reads everything and writes nothing; --detailed-exitcode says 2 while changes are pending', async () => {
    const s = await start();
    const r = await okta(s, ['--push-group', 'Engineering', '--dry-run', '--detailed-exitcode', '--json']);
    expect(r.code).toBe(2);
    // Every document carries its exit code and a status in a word; here 2 means changes, and says so (#24 item 28).
    expect(json(r.stdout)).toMatchObject({ status: 'changes', exitCode: 2 });
    expect(json(r.stdout).actions.map((a: { kind: string }) => a.kind)).toEqual(['create', 'update', 'create', 'create']);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
    expect((await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
    expect(apps(s)).toHaveLength(0);
    expect((await okta(s, ['--dry-run'])).code).toBe(0);
  });

  it('applies a saved plan exactly, and refuses a stale one naming the difference, with no write', async () => {
    const s = await start({ admin: 'auto' });
    const dir = mkdtempSync(join(tmpdir(), 'scim-plan-'));
    const file = join(dir, 'plan.json');
    expect((await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', file])).code).toBe(0);
    const saved = readFileSync(file, 'utf8');
    for (const secret of sandboxSecrets(s)) expect(saved).not.toContain(secret.split('\n')[1] ?? secret);
    expect(JSON.parse(saved)).toMatchObject({
      formatVersion: 1,
      kind: 'scim-setup-plan',
      desired: { scimTokenFingerprint: expect.stringMatching(/^sha256:/) },
    });

    const staleDir = join(dir, 'stale.json');
    expect((await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', staleDir])).code).toBe(0);
    // A flag that contradicts the plan is refused before any write, naming it.
    const contradicted = await okta(s, ['--push-group', 'Engineering', '--plan', file]);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toContain('contradict the saved plan');
    expect(contradicted.stderr).toContain('pushGroups: plan [], given ["Engineering"] (--push-group)');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
    // Exactly as the tool printed it: the plan carries its inputs.
    const dryRun = await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', file]);
    expect(dryRun.stdout + dryRun.stderr).toContain(`apply it with: npx scim-setup okta --plan ${file}`);
    const applied = await okta(s, ['--plan', file, '--wait', '20s']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(s.okta.state.apps.size).toBe(1);
    expect([...[...s.okta.state.apps.values()][0].groups.keys()].map((id) => s.okta.state.groups.get(id)!.profile.name)).toEqual(['Sales']);
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    const stale = await okta(s, ['--plan', staleDir]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('is stale');
    expect(stale.stderr).toContain('Okta app: plan (none yet), now');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
  });

  it('a saved plan stopped at the guided step is re-run as told and carries on: its own work is not staleness (#34 item 3)', async () => {
    const s = await start({ admin: 'manual' });
    const dir = mkdtempSync(join(tmpdir(), 'scim-plan-'));
    const file = join(dir, 'plan.json');
    expect((await okta(s, ['--push-group', 'Engineering', '--dry-run', '--out', file])).code).toBe(0);
    const first = await okta(s, ['--plan', file, '--wait', '0s']);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('re-run the same command; it carries on from here');
    const app = [...s.okta.state.apps.values()][0];
    // What it keeps beside the plan names no secret: the plan's digest, the app, the actions done.
    const progress = JSON.parse(readFileSync(`${file}.progress`, 'utf8'));
    expect(progress).toMatchObject({ planSha256: expect.stringMatching(/^[0-9a-f]{64}$/), appId: app.id, done: expect.arrayContaining(['app']) });
    provisionAsGuide(s, app.id);
    const again = await okta(s, ['--plan', file, '--wait', '20s']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('is stale');
    expect(s.okta.state.apps.size).toBe(1);
    // The same plan after the world changed in another way is still stale: a group it would push is gone from Okta.
    const other = join(dir, 'other.json');
    expect((await okta(s, ['--push-group', 'Engineering', '--assign-group', 'Sales', '--dry-run', '--out', other])).code).toBe(0);
    const sales = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Sales');
    if (!sales) throw new Error('no Sales group in the seed');
    s.okta.state.assignGroup(app, sales, undefined, undefined);
    const stale = await okta(s, ['--plan', other]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('action group-assignment:Sales: plan create, now noop');
  });

  it('fixes visibility drift before provisioning is on, keeping the rest of the app', async () => {
    const s = await start({ admin: 'manual' });
    const created = await fetch(`${s.okta.url}/api/v1/apps`, {
      method: 'POST',
      headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'scim2testapp',
        label: 'Cloudflare SCIM',
        signOnMode: 'AUTO_LOGIN',
        visibility: { hide: { web: false, iOS: false }, autoSubmitToolbar: true },
        accessibility: { selfService: false, errorRedirectUrl: 'https://acme.example/error' },
        settings: { notes: { admin: 'owned by IT' }, manualProvisioning: true },
      }),
    }).then((r) => r.json());
    const before = await fetch(`${s.okta.url}/api/v1/apps/${created.id}`, { headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}` } }).then((r) => r.json());
    const r = await okta(s, ['--dry-run', '--json']);
    expect(json(r.stdout).actions.find((a: { id: string }) => a.id === 'app-visibility')).toMatchObject({ kind: 'update' });
    const run = await okta(s, ['--yes', '--wait', '1s', '--json']);
    expect(run.code).toBe(3);
    const after = await fetch(`${s.okta.url}/api/v1/apps/${created.id}`, { headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}` } }).then((r) => r.json());
    expect(after.visibility).toMatchObject({ autoSubmitToolbar: false, hide: { web: true, iOS: true } });
    // The PUT carried back every field Okta returned: nothing else changed.
    const { visibility: _v, lastUpdated: _l, ...rest } = after;
    const { visibility: _bv, lastUpdated: _bl, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(after.settings).toMatchObject({ notes: { admin: 'owned by IT', enduser: null }, manualProvisioning: true, implicitAssignment: false });
    expect(after.accessibility.errorRedirectUrl).toBe('https://acme.example/error');
  });

  it('sees a push mapping that exists before provisioning is on (real Okta keeps one on an app whose features are [])', async () => {
    const s = await start({ admin: 'manual' });
    expect((await okta(s, ['--push-group', 'Engineering', '--yes', '--wait', '1s'])).code).toBe(3);
    const app = apps(s)[0];
    expect(app.provisioning).toBeNull();
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    const made = await fetch(`${s.okta.url}/api/v1/apps/${app.id}/group-push/mappings`, {
      method: 'POST',
      headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sourceGroupId: engineering.id, targetGroupName: 'Engineering', status: 'ACTIVE' }),
    });
    expect(made.status).toBe(200);
    const plan = json((await okta(s, ['--push-group', 'Engineering', '--dry-run', '--json'])).stdout);
    expect(plan.actions.find((a: { id: string }) => a.id === 'push-mapping:Engineering')).toMatchObject({ kind: 'noop' });
    const destroyed = await runInProcess(['destroy', '--yes', '--json'], { on: s, env: cleanEnv(s.env), secrets: sandboxSecrets(s) });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(apps(s)).toHaveLength(0);
  });

  it('makes visibility drift a manual step once provisioning is on (a PUT would reset it)', async () => {
    const s = await start({ admin: 'auto' });
    expect((await okta(s, ['--yes', '--wait', '20s'])).code).toBe(0);
    const app = apps(s)[0];
    app.visibility.hide.web = false;
    const r = await okta(s, ['--yes', '--json', '--wait', '2s']);
    expect(r.code).toBe(3);
    expect(json(r.stdout).manualSteps[0]).toMatchObject({ id: 'app-visibility' });
    expect(app.provisioning?.enabled).toBe(true);
  });

  it('reports an app duplicated by label instead of multiplying it', async () => {
    const s = await start({ admin: 'auto' });
    for (let i = 0; i < 2; i++) {
      await fetch(`${s.okta.url}/api/v1/apps`, {
        method: 'POST',
        headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'scim2testapp', label: 'Cloudflare SCIM', signOnMode: 'AUTO_LOGIN', visibility: { hide: { web: true, iOS: true } } }),
      });
    }
    const r = await okta(s, ['--dry-run', '--json']);
    expect(json(r.stdout).warnings).toContainEqual(expect.stringMatching(/2 scim2testapp apps are labelled "Cloudflare SCIM"/));
    expect((await okta(s, ['--yes', '--wait', '20s'])).code).toBe(0);
    expect(apps(s)).toHaveLength(2);
  });

  it('an unknown group is an input error listing near matches, found before any write (exit 2)', async () => {
    const s = await start();
    const r = await okta(s, ['--push-group', 'Enginering', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown Okta group:');
    expect(r.stderr).toContain('"Enginering"; did you mean "Engineering"?');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
  });

  it('without --yes a non-interactive run refuses to apply and says which flag to pass', async () => {
    const s = await start();
    const r = await okta(s, [], { CI: 'true' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('non-interactive (CI=true is set)');
    expect(r.stderr).toContain('--yes');
    expect(apps(s)).toHaveLength(0);
  });

  it('a non-interactive run waiting on the guided step exits 3 with the step in JSON; the re-run after the admin acts completes', async () => {
    const s = await start({ admin: 'manual' });
    const r = await okta(s, ['--push-group', 'Engineering', '--yes', '--json', '--wait', '1s']);
    expect(r.code).toBe(3);
    const doc = json(r.stdout);
    expect(doc.manualSteps[0]).toMatchObject({ id: 'provisioning', link: expect.stringContaining('/admin/app/scim2testapp/instance/') });
    const appId = apps(s)[0].id;
    await control(s.okta.url, 'POST', `/__sandbox/apps/${appId}/provisioning`, { baseUrl: s.scimBaseUrl, token: s.env.CLOUDFLARE_SCIM_TOKEN });
    const again = await okta(s, ['--push-group', 'Engineering', '--yes', '--wait', '20s']);
    expect(again.code, again.stderr).toBe(0);
    expect(apps(s)).toHaveLength(1);
  });

  it('while the guided step waits, shows which settings Okta already has and which are missing, as they change', async () => {
    const s = await start({ admin: 'manual' }, 'wall');
    const run = startInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '30s', '--no-verify'], { env: cleanEnv(s.env) });
    const until = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!run.output().includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(run.output()).toContain(text);
    };
    await until('Okta shows: API integration ✗, Create Users ✗, Deactivate Users ✗, Update User Attributes off ✓');
    const app = apps(s)[0];
    const settings = {
      baseUrl: s.scimBaseUrl,
      token: s.env.CLOUDFLARE_SCIM_TOKEN,
      createUsers: true,
      deactivateUsers: false,
      updateUserAttributes: false,
      importGroups: false,
    };
    s.okta.setProvisioning(app.id, settings);
    await until('Okta now shows: API integration ✓, Create Users ✓, Deactivate Users ✗, Update User Attributes off ✓');
    s.okta.setProvisioning(app.id, { ...settings, deactivateUsers: true });
    const { code } = await run.exit;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toContain('Okta now shows: API integration ✓, Create Users ✓, Deactivate Users ✓, Update User Attributes off ✓');
    // The value to copy stands on a line of its own.
    expect(out.split('\n')).toContain(`     ${s.scimBaseUrl}`);
  });

  it('authenticates with an OAuth service app (private_key_jwt) as well as an SSWS token', async () => {
    const s = await start({ admin: 'auto' });
    const r = await okta(s, ['--assign-group', 'Sales', '--yes', '--wait', '20s'], {
      OKTA_API_TOKEN: undefined,
      OKTA_CLIENT_ID: s.serviceApp.clientId,
      OKTA_PRIVATE_KEY: s.serviceApp.privateKeyPem,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(apps(s)).toHaveLength(1);
  });

  it("reads the given SCIM token's record once to prove it may write, before Okta is given it, and once a verification round for its life; verify alone, once a round", async () => {
    const s = await start({ admin: 'auto', connectionApi: 'supported' });
    const r = await okta(s, ['--push-group', 'Engineering', '--yes', '--json', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    const { rounds } = json(r.stdout).verification;
    const counts = (await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).byRoute;
    // The planning's proof (its verification, then its record), reused by the apply and by every round of the verification.
    expect(counts['GET /client/v4/accounts/{account_id}/tokens/verify']).toBe(1 + rounds);
    expect(counts['GET /client/v4/accounts/{account_id}/tokens/{token_id}']).toBe(1 + rounds);
    // verify alone reads it once a round: its life and rights, and in the first round its right to write, from one reading.
    await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');
    const v = await runInProcess(['verify', '--push-group', 'Engineering', '--json'], { on: s, env: cleanEnv(s.env), secrets: sandboxSecrets(s) });
    expect(v.code, v.stderr).toBe(0);
    const again = (await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).byRoute;
    expect(again['GET /client/v4/accounts/{account_id}/tokens/verify']).toBe(json(v.stdout).rounds);
    expect(again['GET /client/v4/accounts/{account_id}/tokens/{token_id}']).toBe(json(v.stdout).rounds);
  });

  it("reads Cloudflare's SCIM listings beside Okta's app users, not after them: both sides of the comparison are asked at once", async () => {
    const s = await start({ admin: 'auto', connectionApi: 'supported' }, 'wall');
    const setup = await okta(s, ['--push-group', 'Engineering', '--yes', '--wait', '20s', '--no-verify']);
    expect(setup.code, setup.stderr).toBe(0);
    await provisioned(s);
    // Okta's answer of the app's users is held until the test lets it go: what the run asks of
    // Cloudflare meanwhile tells whether its listings wait on Okta's side.
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '^/api/v1/apps/[^/]+/users', barrier: 2, times: 1 }] });
    const listed = new Set<string>();
    // The listings from their first page (the token's check reads one user, with no startIndex).
    s.cloudflare.server.taps.push((e) => {
      const url = new URL(e.url);
      if (url.searchParams.get('startIndex') === '1') listed.add(url.pathname.replace(/.*\/scim\/v2/, ''));
    });
    const run = okta(s, ['--push-group', 'Engineering', '--dry-run', '--detailed-exitcode']);
    const deadline = Date.now() + 15_000;
    while (listed.size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect([...listed].sort()).toEqual(['/Groups', '/Users']);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).byRoute['GET /api/v1/apps/{appId}/users']).toBeUndefined();
    await control(s.okta.url, 'DELETE', '/__sandbox/faults');
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
  });

  it('a dry run over a converged setup with 50 assigned and 20 pushed groups makes a bounded number of requests', async () => {
    const s = await start({ admin: 'auto', seed: generatedSeed(600, 60), rateLimitScale: 50 });
    const groups = Array.from({ length: 50 }, (_, i) => `Team ${String(i + 1).padStart(4, '0')}`);
    const args = [...groups.slice(20).flatMap((g) => ['--assign-group', g]), ...groups.slice(0, 20).flatMap((g) => ['--push-group', g])];
    const setup = await okta(s, [...args, '--yes', '--wait', '30s', '--no-verify']);
    expect(setup.code, setup.stderr).toBe(0);
    await provisioned(s);
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');
    const r = await okta(s, [...args, '--dry-run', '--detailed-exitcode']);
    expect(r.code).toBe(0);
    const oktaCounts = await control(s.okta.url, 'GET', '/__sandbox/requests');
    // apps list 1, group search 2 (40 names a request), app groups, app users and push mappings a
    // page each; then, to tell drift, each pushed group's members in Okta (the groups bucket, not
    // the scarce apps bucket), and in Cloudflare the SCIM users and groups (a page each, members
    // come with the users, 100 a page).
    expect(oktaCounts.byRoute).toEqual({
      'GET /api/v1/apps': 1,
      'GET /api/v1/groups': 2,
      'GET /api/v1/apps/{appId}/groups': 1,
      'GET /api/v1/apps/{appId}/users': 1,
      'GET /api/v1/apps/{appId}/group-push/mappings': 1,
      'GET /api/v1/groups/{groupId}/users': 20,
    });
    const cloudflareCounts = await control(s.cloudflare.url, 'GET', '/__sandbox/requests');
    const scim = '/client/v4/accounts/{account_id}/scim/v2';
    expect(cloudflareCounts.byRoute).toEqual({
      // The API token is proved to be this account's before anything is planned (#34 item 8).
      'GET /client/v4/accounts/{account_id}/iam/permission_groups': 1,
      [`GET ${scim}/ServiceProviderConfig`]: 1,
      // The token's proof reads one user; the drift read every user.
      [`GET ${scim}/Users`]: 1 + Math.ceil(s.cloudflare.state.scimUsers.size / 100),
      [`GET ${scim}/Groups`]: 1,
    });
  });
});
