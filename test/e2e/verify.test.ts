import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess, type CheckDoc } from '../helpers/cli.js';
import { control, provisionAsGuide, provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

// On a clock of the test's, moved on while the run and the sandbox wait, but where a test says otherwise.
let s: (Sandbox & { clock?: ManualClock }) | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(s!.okta.url + path, {
    method,
    headers: { authorization: `SSWS ${s!.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const groupId = (name: string) => [...s!.okta.state.groups.values()].find((g) => g.profile.name === name && g.type !== 'APP_GROUP')!.id;

/** A setup made straight through the APIs, as `scim-setup okta` would leave it. */
async function setUp(options: { assign?: string[]; push?: string[]; updateUserAttributes?: boolean; settle?: boolean } = {}) {
  const app = await api('POST', '/api/v1/apps', {
    name: 'scim2testapp',
    label: 'Cloudflare SCIM',
    signOnMode: 'AUTO_LOGIN',
    visibility: { hide: { web: true, iOS: true } },
  });
  provisionAsGuide(s!, app.id, { updateUserAttributes: options.updateUserAttributes ?? false });
  for (const name of [...(options.assign ?? []), ...(options.push ?? [])]) await api('PUT', `/api/v1/apps/${app.id}/groups/${groupId(name)}`, {});
  for (const name of options.push ?? [])
    await api('POST', `/api/v1/apps/${app.id}/group-push/mappings`, { sourceGroupId: groupId(name), targetGroupName: name });
  if (options.settle !== false) await provisioned(s!);
  return app.id as string;
}

async function verify(args: string[] = [], env: Record<string, string | undefined> = {}) {
  const r = await runInProcess(['verify', '--json', ...args], { env: cleanEnv({ ...s!.env, ...env }), secrets: sandboxSecrets(s!), on: s });
  const doc = JSON.parse(r.stdout);
  const check = (id: string) => (doc.checks as CheckDoc[]).find((c) => c.id === id)!;
  return { ...r, doc, check, statuses: Object.fromEntries((doc.checks as CheckDoc[]).map((c) => [c.id, c.status])) };
}

describe('scim-setup verify: checks that cannot lie', () => {
  it('passes every check on a healthy setup, with evidence, over repeated runs', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ assign: ['Sales'], push: ['Engineering'] });
    for (let i = 0; i < 3; i++) {
      const r = await verify();
      expect(r.code, r.stderr).toBe(0);
      expect(r.statuses).toEqual({
        'scim-token': 'pass',
        'scim-token-life': 'pass',
        'okta-provisioning': 'pass',
        'push-group:Engineering': 'pass',
        members: 'pass',
        'okta-log': 'pass',
        'cloudflare-audit': 'pass',
        'warn-no-role:Engineering': 'warn',
      });
      expect(r.check('members').summary).toBe('all 39 users assigned in Okta are Cloudflare account members');
      expect(r.check('push-group:Engineering').evidence[0]).toMatch(/SCIM group \w+: 24 members; Okta: 24 assigned members/);
    }
  });

  it('a token without the SCIM permission is a 403, carried by the error itself (not read from its message)', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    // Valid and active, but may not read SCIM: "Account API Tokens: Read" alone (Account Settings tokens may read SCIM, the spec says).
    const readOnly = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'tokens only', permissions: ['tokensRead'] });
    const r = await verify([], { CLOUDFLARE_SCIM_TOKEN: readOnly.value });
    expect(r.code).toBe(4);
    expect(r.check('scim-token')).toMatchObject({ status: 'fail', summary: 'Cloudflare refused the SCIM token (HTTP 403)' });
  });

  it('a revoked SCIM token fails the token check (exit 4) and names the permission', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    await control(s.cloudflare.url, 'POST', '/__sandbox/tokens/revoke', { token: s.env.CLOUDFLARE_SCIM_TOKEN });
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.check('scim-token')).toMatchObject({
      status: 'fail',
      summary: 'Cloudflare refused the SCIM token (HTTP 401)',
      fix: expect.stringContaining('"SCIM Provisioning: Edit"'),
    });
    // Nothing was read in Cloudflare, so nothing is diagnosed as changed there.
    for (const id of ['members', 'push-group:Engineering']) expect(r.check(id).summary).not.toMatch(/changed in Cloudflare|deleted or renamed/);
  });

  it("a push mapping in ERROR fails with its errorSummary, and Okta's log failure is reported", async () => {
    s = await sandbox({ clock: new ManualClock() });
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', {
      rules: [
        {
          method: 'POST',
          path: '/scim/v2/Groups$',
          status: 400,
          body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'Group quota exceeded' },
        },
      ],
    });
    await setUp({ push: ['Engineering'] });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.check('push-group:Engineering')).toMatchObject({
      status: 'fail',
      summary: 'the push of "Engineering" is in ERROR: HTTP 400: Group quota exceeded',
    });
    expect(r.check('okta-log')).toMatchObject({ status: 'fail' });
  });

  it('a user assigned in Okta but missing in Cloudflare (one SCIM POST dropped) fails members and the log check, naming the user', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const victim = [...s.okta.state.users.values()][50].profile.login;
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', {
      rules: [{ method: 'GET', path: `/scim/v2/Users\\?filter=.*${encodeURIComponent(victim).replace(/\./g, '\\.')}`, status: 500 }],
    });
    await setUp({ assign: ['Support'] });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.check('members')).toMatchObject({ status: 'fail', summary: '1 of 15 assigned users are not Cloudflare members yet' });
    expect(r.check('members').evidence).toContain(`missing: ${victim}`);
    expect(r.check('okta-log').evidence.join('\n')).toContain(`application.provision.user.push (${victim}): HTTP 500`);
  });

  it("a member deactivated in Cloudflare behind Okta's back is drift: a failure naming both sides, never pending", async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ assign: ['Support'] });
    // One Okta provisioned (the account owner is listed too, as every member is, with no externalId).
    const victim = [...s.cloudflare.state.scimUsers.values()].find((u) => u.active && u.externalId)!;
    // What an admin does in Cloudflare's dashboard, or any other SCIM client: the member is deactivated.
    const r0 = await fetch(`${s.scimBaseUrl}/Users/${victim.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${s.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }),
    });
    expect(r0.status).toBe(200);
    await provisioned(s!);
    const r = await verify(['--wait', '30s', '--settle', '1s']);
    expect(r.code).toBe(1);
    expect(r.statuses.members).toBe('fail');
    expect(Object.values(r.statuses)).not.toContain('pending');
    expect(r.check('members').summary).toBe(
      '1 assigned user that Okta reports as provisioned is not a Cloudflare member: changed in Cloudflare, and Okta will not push it again by itself',
    );
    expect(r.check('members').evidence[1]).toMatch(
      new RegExp(`^${victim.userName.replace(/\./g, '\\.')}: Okta PROVISIONED, SYNCHRONIZED at \\d{4}-.*; Cloudflare: SCIM user ${victim.id} deactivated$`),
    );
    // Assigned through Support: no API can re-assign it alone, so the fix is Okta's console.
    expect(r.check('members').fix).toContain(`remove each of ${victim.userName} from the group that assigns it to the app and add it back`);
    // Okta pushes only on changes in Okta: the sandbox has not repaired it behind the test's back.
    expect(s.cloudflare.state.scimUsers.get(victim.id)!.active).toBe(false);
  });

  it("a member dropped from a pushed group in Cloudflare after Okta's last push is drift: fail, with both sides and when Okta pushed", async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    const dropped = [...s.cloudflare.state.scimUsers.values()].find((u) => u.memberId && group.members.has(u.memberId))!;
    const r0 = await fetch(`${s.scimBaseUrl}/Groups/${group.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${s.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${dropped.id}"]` }],
      }),
    });
    expect(r0.status).toBeLessThan(300);
    await provisioned(s!);
    const r = await verify(['--wait', '30s', '--settle', '1s']);
    expect(r.code).toBe(1);
    expect(Object.values(r.statuses)).not.toContain('pending');
    const check = r.check('push-group:Engineering');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain('which pushed it after its last membership change: changed in Cloudflare');
    expect(check.evidence).toContain(`missing: ${dropped.userName.toLowerCase()}`);
    expect(check.evidence.join('\n')).toMatch(/Okta: last push \d{4}-\S+; last membership change \d{4}-\S+/);
    expect(check.fix).toBe(
      'Run `npx scim-setup okta` to push "Engineering" again (it sets the push mapping inactive, then active), or in Okta, on the app\'s Push Groups tab, select Push Now for "Engineering"; then run verify.',
    );
  });

  it('a pushed group renamed, then deleted, in Cloudflare after Okta pushed it is drift: fail, not "not in Cloudflare yet"', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    const scim = (method: string, body?: unknown) =>
      fetch(`${s!.scimBaseUrl}/Groups/${group.id}`, {
        method,
        headers: { authorization: `Bearer ${s!.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const expectDrift = async () => {
      await provisioned(s!);
      const r = await verify(['--wait', '30s', '--settle', '1s']);
      expect(r.code).toBe(1);
      expect(Object.values(r.statuses)).not.toContain('pending');
      const check = r.check('push-group:Engineering');
      expect(check).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining('not in Cloudflare by that name, though Okta pushed it after its last change'),
      });
      expect(check.evidence.join('\n')).toMatch(/Okta: last push \d{4}-\S+; group last changed \d{4}-\S+/);
      expect(check.fix).toMatch(/^Run `npx scim-setup okta`: it (makes Okta push|pushes) "Engineering"/);
    };
    const renamed = await scim('PATCH', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Engineering (old)' }],
    });
    expect(renamed.status).toBeLessThan(300);
    await expectDrift();
    expect((await scim('DELETE')).status).toBeLessThan(300);
    await expectDrift();
  });

  it("proves whose token Okta's SCIM traffic carries: a working token Okta does not hold is a warning naming both (#22)", async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    const other = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'another SCIM token', permissions: ['scim'] });
    const r = await verify([], { CLOUDFLARE_SCIM_TOKEN: other.value });
    // The token works (its own check passes), but Okta's requests were made with another.
    expect(r.check('scim-token').status).toBe('pass');
    expect(r.check('cloudflare-audit')).toMatchObject({ status: 'warn', summary: expect.stringContaining('none by the SCIM token given') });
    expect(r.check('cloudflare-audit').evidence.join(' ')).toContain(`given token ${other.id}`);
    // With Okta's own token, the same traffic proves it.
    expect((await verify()).check('cloudflare-audit').status).toBe('pass');
  });

  it('an auth error during verification is said as an error, not as "interrupted" (#24 item 12)', async () => {
    // On the wall's clock: the token is revoked while verify is really polling.
    s = await sandbox({ provisioningDelayMs: 600_000 });
    await setUp({ push: ['Engineering'], settle: false });
    const child = runInProcess(['verify', '--wait', '60s'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    // Once verify is polling (pending), the Okta token is revoked under it.
    const deadline = Date.now() + 20_000;
    while (((await control(s.okta.url, 'GET', '/__sandbox/requests')).byRoute['GET /api/v1/apps/{appId}'] ?? 0) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await control(s.okta.url, 'POST', '/__sandbox/tokens/revoke', { token: s.env.OKTA_API_TOKEN });
    const r = await child;
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).toMatch(/verifying: stopped by an error after \d+ rounds?/);
    expect(r.stdout + r.stderr).not.toContain('interrupted');
  });

  it('a mistyped --app-label is refused naming the labels that exist, nearest first; a found app is named as it is looked at (#24 items 10, 33)', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    const wrong = await runInProcess(['verify', '--app-label', 'cloudflare scim'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('No Okta app "cloudflare scim" (scim2testapp) exists in');
    expect(wrong.stderr).toContain('its scim2testapp apps are labelled "Cloudflare SCIM"');
    expect(wrong.stderr).toContain('Did you mean --app-label "Cloudflare SCIM"?');
    const asJson = await runInProcess(['verify', '--json'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    // The document names what it looked at and the tally (#24 item 28).
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      orgUrl: s.okta.url,
      accountId: s.accountId,
      app: { label: 'Cloudflare SCIM' },
      counts: { pass: expect.any(Number), fail: expect.any(Number), pending: expect.any(Number) },
      status: expect.any(String),
      exitCode: asJson.code,
    });
    const right = await runInProcess(['verify'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    expect(right.stdout).toMatch(/Verifying Okta app "Cloudflare SCIM" \(0oa\w+\) in http:\/\/127\.0\.0\.1:\d+ → Cloudflare account [0-9a-f]{32}/);
    // okta would plan a second app for the same account; destroy would find nothing: both say which labels exist.
    const second = await runInProcess(['okta', '--app-label', 'cloudflare scim', '--push-group', 'Engineering', '--dry-run', '--json'], {
      env: cleanEnv(s.env),
      secrets: sandboxSecrets(s),
    });
    expect(JSON.parse(second.stdout).warnings).toContainEqual(expect.stringContaining('Did you mean --app-label "Cloudflare SCIM"?'));
    const teardown = await runInProcess(['destroy', '--app-label', 'cloudflare scim', '--dry-run'], {
      env: cleanEnv(s.env),
      secrets: sandboxSecrets(s),
      on: s,
    });
    expect(teardown.code).toBe(0);
    expect(teardown.stdout + teardown.stderr).toContain('Its scim2testapp apps are labelled "Cloudflare SCIM"; did you mean --app-label "Cloudflare SCIM"?');
  });

  it('nobody assigned is a warning, not "all 0 users are members" (#24 item 26)', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({});
    const r = await verify();
    expect(r.check('members')).toMatchObject({ status: 'warn', summary: 'no user is assigned to the app in Okta, so nobody is provisioned to Cloudflare' });
  });

  it('Update User Attributes turned on fails the Okta check', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ assign: ['Sales'], updateUserAttributes: true });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.check('okta-provisioning').summary).toContain('Update User Attributes is on; Cloudflare does not support it');
  });

  it('warns of a CF-named pushed group, an empty pushed group, a legacy virtual group and a group with no role', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ assign: [`CF-${s.accountId} - Administrator Read Only`], push: ['CF Platform Team', 'Contractors', 'Security'] });
    const r = await verify([], {});
    expect(r.check('warn-cf-prefix:CF Platform Team')).toMatchObject({ status: 'warn', summary: expect.stringContaining('starts with "CF"') });
    expect(r.check('push-group:CF Platform Team')).toMatchObject({ status: 'fail', summary: expect.stringContaining('cannot begin with "CF"') });
    expect(r.check('push-group:Contractors')).toMatchObject({
      status: 'warn',
      summary: 'group "Contractors" has no assigned members, so Okta does not push it',
    });
    expect(r.check('warn-legacy-groups')).toMatchObject({
      status: 'warn',
      summary: `deprecated CF-<accountID> - <Role> groups are still assigned: CF-${s.accountId} - Administrator Read Only`,
    });
    expect(r.check('warn-no-role:Security')).toMatchObject({
      status: 'warn',
      summary: 'user group "Security" has no role in Cloudflare: its members can reach nothing through it',
    });
  });

  it('without CLOUDFLARE_API_TOKEN, the checks that need it are skipped and say which permission to add', async () => {
    s = await sandbox({ clock: new ManualClock() });
    await setUp({ push: ['Engineering'] });
    const r = await verify([], { CLOUDFLARE_API_TOKEN: undefined });
    expect(r.code).toBe(0);
    expect(r.check('cloudflare-audit')).toMatchObject({ status: 'skipped', fix: expect.stringContaining('"Account Settings: Read"') });
    // IAM user groups accept the SCIM token, so they are still checked.
    expect(r.check('push-group:Engineering')).toMatchObject({ status: 'pass', evidence: expect.arrayContaining([expect.stringMatching(/^IAM user group /)]) });
  });

  it('no audit-log activity after a run that changed things is pending (exit 3), not a pass', async () => {
    s = await sandbox({ admin: 'auto', clock: new ManualClock() });
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', {
      rules: [{ method: 'GET', path: '/logs/audit\\?', status: 200, body: { success: true, errors: [], result: [], result_info: { count: 0 } } }],
    });
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--json', '--wait', '3s'], {
      env: cleanEnv(s.env),
      secrets: sandboxSecrets(s),
      on: s,
    });
    expect(r.code).toBe(3);
    const audit = JSON.parse(r.stdout).verification.checks.find((c: CheckDoc) => c.id === 'cloudflare-audit');
    expect(audit).toMatchObject({
      status: 'pending',
      summary: expect.stringMatching(/^Cloudflare's audit log shows no SCIM request by the SCIM token since \S+ yet$/),
    });
  });

  it('a change that sends no SCIM request (a role alone; an empty group pushed) leaves nothing pending: exit 0 at once', async () => {
    s = await sandbox({ admin: 'auto', clock: new ManualClock() });
    const env = cleanEnv(s.env);
    expect((await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { env, on: s })).code).toBe(0);
    await provisioned(s!);
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', {
      rules: [{ method: 'GET', path: '/logs/audit\\?', status: 200, body: { success: true, errors: [], result: [], result_info: { count: 0 } } }],
    });
    for (const args of [
      ['--role', 'Engineering=Billing'],
      ['--push-group', 'Contractors', '--role', 'Engineering=Billing'],
    ]) {
      const started = s.clock!.now();
      const r = await runInProcess(['okta', '--push-group', 'Engineering', ...args, '--yes', '--json', '--wait', '30s'], {
        env,
        secrets: sandboxSecrets(s),
        on: s,
      });
      expect(r.code, r.stderr).toBe(0);
      const audit = JSON.parse(r.stdout).verification.checks.find((c: CheckDoc) => c.id === 'cloudflare-audit');
      expect(audit).toMatchObject({ status: 'pass', summary: expect.stringContaining('none was due') });
      // It did not sit out --wait (on the run's clock).
      expect(s.clock!.now() - started).toBeLessThan(20_000);
    }
  });

  it('provisioning on its way is pending (exit 3) with one look, then passes when verify waits', async () => {
    s = await sandbox({ provisioningDelayMs: 5000, clock: new ManualClock() });
    await setUp({ push: ['Engineering'], settle: false });
    const now = await verify();
    expect(now.code).toBe(3);
    expect(now.check('push-group:Engineering').status).toBe('pending');
    expect(now.check('members').status).toBe('pending');
    const later = await verify(['--wait', '20s']);
    expect(later.code, later.stderr).toBe(0);
    expect(later.doc.rounds).toBeGreaterThanOrEqual(1);
  });

  it('the demo ends with every check passing', async () => {
    const r = await runInProcess(['demo', '--json'], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.verification.checks.filter((c: CheckDoc) => !['pass', 'warn'].includes(c.status))).toEqual([]);
  });
});
