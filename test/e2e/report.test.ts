import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { oktaApi } from '../helpers/okta-api.js';
import { control, provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

/**
 * `scim-setup report` on the sandbox, after `okta` set up an app with an assigned group (Sales) and
 * a pushed one (Engineering): a member invited by hand through Cloudflare's API, a user removed
 * from the assigned group in Okta (Cloudflare removes them), and one whose removal Cloudflare never
 * carries out (its SCIM user answers 500 to every change).
 */
let s: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'report-'));
const HAND = 'mallory<script>alert(1)</script>@example.com';
let removed: string;
let stuck: string;

const report = (args: string[] = [], env: Record<string, string> = {}) =>
  runInProcess(['report', ...args], { on: s, env: cleanEnv({ ...s.env, ...env }), secrets: sandboxSecrets(s) });

beforeAll(async () => {
  s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
  const okta = await runInProcess(['okta', '--assign-group', 'Sales', '--push-group', 'Engineering', '--yes', '--wait', '60s'], {
    on: s,
    env: cleanEnv(s.env),
    secrets: sandboxSecrets(s),
  });
  expect(okta.code, okta.stdout + okta.stderr).toBe(0);
  await provisioned(s!);

  // By hand, through Cloudflare's API, as an admin's script would: an invitation, pending until accepted.
  const invite = await fetch(`${s.cloudflare.url}/client/v4/accounts/${s.accountId}/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: HAND, roles: [s.cloudflare.state.permissionGroups.find((p) => p.name === 'Administrator Read Only')!.id] }),
  });
  expect(invite.status, await invite.clone().text()).toBe(200);

  // Two Sales members (neither in Engineering) leave the assigned group in Okta; Cloudflare fails every change to the second.
  const api = oktaApi(s.okta.url, s.env.OKTA_API_TOKEN);
  const sales = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Sales')!;
  const [first, second] = [...s.okta.state.members.get(sales.id)!].map((id) => s.okta.state.users.get(id)!);
  removed = first.profile.login;
  stuck = second.profile.login;
  const stuckScim = [...s.cloudflare.state.scimUsers.values()].find((u) => u.userName === stuck)!;
  await control(s.cloudflare.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'PATCH', path: `/scim/v2/Users/${stuckScim.id}$`, status: 500 }] });
  for (const user of [first, second]) expect((await api('DELETE', `/api/v1/groups/${sales.id}/users/${user.id}`)).status).toBe(204);
  await provisioned(s!);
}, 120_000);
afterAll(() => s?.close());

describe('scim-setup report', () => {
  it('lists the hand-invited member and the owner outside Okta, and times each removal from both logs', async () => {
    const csv = join(dir, 'access.csv');
    const html = join(dir, 'access.html');
    const r = await report(['--json', '--csv', csv, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'report', status: 'ok', exitCode: 0, accountId: s.accountId });

    const outside = doc.ungoverned as Array<Record<string, unknown>>;
    expect(outside[0]).toMatchObject({ superAdmin: true, came: 'unknown' });
    const hand = outside.find((u) => u.email === HAND);
    expect(hand).toMatchObject({ status: 'pending', came: 'invited', superAdmin: false, roles: ['Administrator Read Only'] });
    expect(Date.parse(String(hand?.joinedAt))).toBeGreaterThan(0);
    // The one Cloudflare kept is outside Okta now: Okta no longer assigns them, and says why it could not remove them.
    expect(outside.find((u) => u.email === stuck)).toMatchObject({ came: 'scim-unassigned' });
    expect(String(outside.find((u) => u.email === stuck)?.why)).toMatch(/deactivation failed/);
    // Everyone Okta governs stays out of the table.
    expect(outside.some((u) => u.email === removed)).toBe(false);

    const rows = doc.deprovisioning as Array<Record<string, unknown>>;
    const gone = rows.find((d) => d.login === removed);
    expect(gone).toMatchObject({ cause: 'removed-from-group', causeDetail: 'group Sales', outcome: 'removed' });
    const asked = Date.parse(String(gone?.requestedAt));
    const landed = Date.parse(String(gone?.removedAt));
    expect(landed).toBeGreaterThanOrEqual(asked);
    expect(gone?.seconds).toBe(Math.round((landed - asked) / 100) / 10);
    expect(Date.parse(String(gone?.oktaSentAt))).toBeGreaterThanOrEqual(asked);
    expect(rows.find((d) => d.login === stuck)).toMatchObject({ outcome: 'still-member', removedAt: null, seconds: null });
    expect(doc.summary).toMatchObject({ deprovisioned: 2, removed: 1, stillMembers: 1, pendingInvitations: 1 });
    expect(doc.summary.medianSeconds).toBe(gone?.seconds);

    const table = readFileSync(csv, 'utf8').split('\r\n');
    expect(table[0]).toMatch(/^email,outside_okta,super_administrator,roles,status,came/);
    expect(table.some((l) => l.startsWith(`${HAND},true,false,Administrator Read Only,pending,invited`))).toBe(true);
    expect(table.some((l) => l.startsWith(`${removed},false,`) && l.includes(',removed-from-group,') && l.includes(',removed,'))).toBe(true);
    expect(table.some((l) => l.startsWith(`${stuck},true,`) && l.includes(',still-member,'))).toBe(true);

    const page = readFileSync(html, 'utf8');
    expect(page).not.toContain('<script');
    expect(page).toContain('mallory&#60;script&#62;alert(1)&#60;/script&#62;@example.com');
    expect(page).toContain(removed);
    expect(page).toMatch(/<svg[^>]*class="timeline"/);
    expect(page).not.toMatch(/(src|href)=["']?https?:/);
  });

  it('shows the summary and the first rows on the terminal, neutralised', async () => {
    const r = await report();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Outside Okta's governance: \d+, 1 Super Administrator, 1 pending invitation; \d+ not expected/);
    expect(r.stdout).toContain(HAND);
    expect(r.stdout).toMatch(new RegExp(`${removed.replace(/\./g, '\\.')}  removed-from-group \\(group Sales\\) at \\S+ → removed after [\\d.]+ s`));
    expect(r.stdout).toContain('still a member');
  });

  it('--fail-on-ungoverned exits 1 unless everyone outside is expected (flag or config)', async () => {
    expect((await report(['--fail-on-ungoverned'])).code).toBe(1);
    const first = JSON.parse((await report(['--json'])).stdout);
    const everyone = (first.ungoverned as Array<{ email: string }>).map((u) => u.email);
    const config = join(dir, 'report.yaml');
    writeFileSync(
      config,
      `report:\n  expectedOutside:\n${everyone
        .slice(1)
        .map((e) => `    - ${JSON.stringify(e)}`)
        .join('\n')}\n`,
    );
    const gated = await report(['--fail-on-ungoverned', '--json', '--config', config, '--expect-outside', everyone[0]]);
    expect(gated.code, gated.stderr).toBe(0);
    expect(JSON.parse(gated.stdout).summary.unexpected).toBe(0);
  });

  it('--redact-pii hashes every e-mail in the JSON, the CSV and the page', async () => {
    const csv = join(dir, 'hashed.csv');
    const html = join(dir, 'hashed.html');
    const r = await report(['--json', '--redact-pii', '--csv', csv, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    for (const text of [r.stdout, readFileSync(csv, 'utf8'), readFileSync(html, 'utf8')]) {
      for (const person of [removed, stuck, HAND, 'mallory']) expect(text).not.toContain(person);
      expect(text).toMatch(/pii-[0-9a-f]{10}/);
    }
  });

  it('refuses input errors before reading anything (exit 2), and a refused token with exit 4', async () => {
    for (const service of [s.okta.url, s.cloudflare.url]) await control(service, 'DELETE', '/__sandbox/requests');
    const wrong = await report(['--since', 'forever']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--since: "forever" is not a duration/);
    expect((await report(['--expect-outside', 'not-an-email'])).code).toBe(2);
    expect((await report(['--html', join(dir, 'missing', 'x.html')])).code).toBe(2);
    for (const service of [s.okta.url, s.cloudflare.url]) expect((await control(service, 'GET', '/__sandbox/requests')).total).toBe(0);
    const refused = await report(['--json'], {
      CLOUDFLARE_API_TOKEN: 'cfut_refusedrefusedrefusedrefusedrefused00',
      CLOUDFLARE_SCIM_TOKEN: 'cfat_refusedrefusedrefusedrefusedrefused0000',
    });
    expect(refused.code, refused.stderr).toBe(4);
  });
});

describe('scim-setup report where Cloudflare no longer lists a deactivated SCIM user (deactivatedUser=unlisted)', () => {
  it('says the removal is done and its time unknown, never that the person is still a member', async () => {
    const box = await sandbox({ clock: new ManualClock(), admin: 'auto', variants: { deactivatedUser: 'unlisted' } });
    try {
      const env = cleanEnv(box.env);
      const setup = await runInProcess(['okta', '--assign-group', 'Sales', '--yes', '--wait', '60s'], { on: box, env, secrets: sandboxSecrets(box) });
      expect(setup.code, setup.stderr).toBe(0);
      await provisioned(box!);
      const sales = [...box.okta.state.groups.values()].find((g) => g.profile.name === 'Sales')!;
      const leaver = box.okta.state.users.get([...box.okta.state.members.get(sales.id)!][0])!;
      expect((await oktaApi(box.okta.url, box.env.OKTA_API_TOKEN)('DELETE', `/api/v1/groups/${sales.id}/users/${leaver.id}`)).status).toBe(204);
      await provisioned(box!);
      const r = await runInProcess(['report', '--json'], { on: box, env, secrets: sandboxSecrets(box) });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      const row = (doc.deprovisioning as Array<Record<string, unknown>>).find((d) => d.login === leaver.profile.login);
      expect(row).toMatchObject({ cause: 'removed-from-group', outcome: 'removed', removedAt: null, seconds: null });
      expect(String(row?.why)).toMatch(/no longer lists them/);
      expect((doc.ungoverned as Array<{ email: string }>).some((u) => u.email === leaver.profile.login)).toBe(false);
    } finally {
      await box.close();
    }
  });
});

describe("scim-setup report where Okta's clock runs ahead of ours", () => {
  it('still reads the removal Okta stamped ahead of our now: its log is read a margin past it', async () => {
    const box = await sandbox({ clock: new ManualClock(), admin: 'auto', timing: { oktaClockSkewMs: 120_000 } });
    try {
      const env = cleanEnv(box.env);
      expect((await runInProcess(['okta', '--assign-group', 'Sales', '--yes', '--wait', '60s'], { on: box, env })).code).toBe(0);
      await provisioned(box);
      const sales = [...box.okta.state.groups.values()].find((g) => g.profile.name === 'Sales')!;
      const leaver = box.okta.state.users.get([...box.okta.state.members.get(sales.id)!][0])!;
      expect((await oktaApi(box.okta.url, box.env.OKTA_API_TOKEN)('DELETE', `/api/v1/groups/${sales.id}/users/${leaver.id}`)).status).toBe(204);
      await provisioned(box);
      const r = await runInProcess(['report', '--json'], { on: box, env, secrets: sandboxSecrets(box) });
      expect(r.code, r.stderr).toBe(0);
      const row = (JSON.parse(r.stdout).deprovisioning as Array<Record<string, unknown>>).find((d) => d.login === leaver.profile.login);
      expect(row).toMatchObject({ cause: 'removed-from-group', outcome: 'removed' });
    } finally {
      await box.close();
    }
  });
});
