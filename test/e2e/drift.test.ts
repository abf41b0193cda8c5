import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess, type CheckDoc } from '../helpers/cli.js';
import { provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

// Each drift is made the way it happens in life: by another client of Cloudflare's APIs (SCIM,
// or the dashboard's member removal), behind Okta's back. Then the whole cycle a user meets:
// verify fails (never pending) and names both sides; okta --dry-run plans the repair; okta
// repairs it and its own verification passes; verify passes; a re-run plans nothing.

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

interface ActionDoc {
  id: string;
  kind: string;
  request?: { method: string; path: string };
  followUps?: Array<{ method: string; path: string }>;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** A member of Support only: Support is not assigned in these runs, so the user is assigned directly alone. */
const DIRECT_USER = 'dennis.turing.46@example.com';

/** A second is enough settle time on the sandbox, whose listings do not trail (the timing tests set a lag). */
async function run(command: string, args: string[]) {
  const r = await runInProcess([command, '--json', '--settle', '1s', ...args], { env: cleanEnv(s!.env), secrets: sandboxSecrets(s!), on: s });
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
}

async function verify() {
  const r = await run('verify', ['--wait', '30s']);
  const checks = r.doc.checks as CheckDoc[];
  return { ...r, check: (id: string) => checks.find((c) => c.id === id)!, statuses: checks.map((c) => c.status) };
}

/** Another SCIM client, with the token Okta uses. */
async function scim(method: string, path: string, body?: unknown): Promise<Response> {
  const r = await fetch(`${s!.scimBaseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${s!.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(r.status, `${method} ${path}`).toBeLessThan(300);
  return r;
}

const okta = (extra: string[] = []) => ['--push-group', 'Engineering', '--assign-user', DIRECT_USER, ...extra];

async function setUp(): Promise<void> {
  s = await sandbox({ admin: 'auto', clock: new ManualClock() });
  const r = await run('okta', okta(['--yes', '--wait', '30s']));
  expect(r.code, r.stderr).toBe(0);
  await provisioned(s!);
}

const scimGroup = (name: string) => [...s!.cloudflare.state.userGroups.values()].find((g) => g.name === name && g.scim);
const scimUser = (login: string) => [...s!.cloudflare.state.scimUsers.values()].find((u) => u.userName === login)!;

/** verify fails on `checkId` with nothing pending; okta plans `actionId`, repairs it, and then all is quiet. */
async function expectRepairCycle(checkId: string, actionId: string, sides: RegExp): Promise<ActionDoc> {
  await provisioned(s!);
  const before = await verify();
  expect(before.code, before.stderr).toBe(1);
  expect(before.check(checkId).status).toBe('fail');
  expect(before.statuses).not.toContain('pending');
  expect(before.check(checkId).evidence.join('\n')).toMatch(sides);
  expect(before.check(checkId).fix).toContain('scim-setup okta');

  const dry = await run('okta', okta(['--dry-run', '--detailed-exitcode']));
  expect(dry.code, dry.stderr).toBe(2);
  const planned = (dry.doc.actions as ActionDoc[]).filter((a) => a.kind !== 'noop');
  expect(planned.map((a) => a.id)).toEqual([actionId]);

  const repair = await run('okta', okta(['--yes', '--wait', '30s']));
  expect(repair.code, repair.stderr).toBe(0);
  expect(repair.doc.applied).toEqual([{ id: actionId, kind: 'update', result: 'done', summary: expect.any(String) }]);
  expect(repair.doc.verification.checks.find((c: CheckDoc) => c.id === checkId).status).toBe('pass');

  await provisioned(s!);
  const after = await verify();
  expect(after.code, after.stderr).toBe(0);
  const again = await run('okta', okta(['--dry-run', '--detailed-exitcode']));
  expect(again.code, again.stderr).toBe(0);
  return planned[0];
}

describe('drift: verify tells it from work in flight, and okta repairs it', () => {
  it('a directly assigned member deactivated in Cloudflare (SCIM): okta assigns it again, and Cloudflare has it back', async () => {
    await setUp();
    const victim = scimUser(DIRECT_USER);
    await scim('PATCH', `/Users/${victim.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    const action = await expectRepairCycle(
      'members',
      `repair:user:${DIRECT_USER}`,
      new RegExp(`${DIRECT_USER}: Okta PROVISIONED.*; Cloudflare: SCIM user ${victim.id} deactivated`),
    );
    expect([action.request?.method, ...(action.followUps ?? []).map((r) => r.method)]).toEqual(['DELETE', 'POST']);
    // The same SCIM user, reactivated: not a second one.
    expect(scimUser(DIRECT_USER).id).toBe(victim.id);
    expect(scimUser(DIRECT_USER).active).toBe(true);
  });

  it('a directly assigned user removed from the Cloudflare account (the dashboard, members API): the same repair', async () => {
    await setUp();
    const member = [...s!.cloudflare.state.members.values()].find((m) => m.email === DIRECT_USER)!;
    const r = await fetch(`${s!.cloudflare.url}/client/v4/accounts/${s!.env.CLOUDFLARE_ACCOUNT_ID}/members/${member.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s!.env.CLOUDFLARE_SCIM_TOKEN}` },
    });
    expect(r.status).toBe(200);
    await expectRepairCycle('members', `repair:user:${DIRECT_USER}`, new RegExp(`${DIRECT_USER}: Okta PROVISIONED.*; Cloudflare: SCIM user \\w+ deactivated`));
    expect([...s!.cloudflare.state.members.values()].some((m) => m.email === DIRECT_USER)).toBe(true);
  });

  it('a member dropped from a pushed group in Cloudflare (SCIM): okta pushes the group again', async () => {
    await setUp();
    const group = scimGroup('Engineering')!;
    const dropped = [...s!.cloudflare.state.scimUsers.values()].find((u) => u.memberId && group.members.has(u.memberId))!;
    await scim('PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${dropped.id}"]` }] });
    const action = await expectRepairCycle('push-group:Engineering', 'repair:push:Engineering', new RegExp(`missing: ${dropped.userName.toLowerCase()}`));
    expect([action.request, ...(action.followUps ?? [])]).toEqual([
      expect.objectContaining({ method: 'PATCH', body: { status: 'INACTIVE' } }),
      expect.objectContaining({ method: 'PATCH', body: { status: 'ACTIVE' } }),
    ]);
    expect(scimGroup('Engineering')!.members.has(dropped.memberId!)).toBe(true);
  });

  it("a pushed group renamed in Cloudflare (SCIM): reported under its new name, and Okta's push names the same group back", async () => {
    await setUp();
    const group = scimGroup('Engineering')!;
    await scim('PATCH', `/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Engineering (old)' }] });
    const action = await expectRepairCycle('push-group:Engineering', 'repair:push:Engineering', /SCIM group "Engineering \(old\)" has exactly its members/);
    expect([action.request?.method, ...(action.followUps ?? []).map((r) => r.method)]).toEqual(['PATCH', 'PATCH']);
    // The same group, by its id: no copy left behind.
    expect(scimGroup('Engineering')!.id).toBe(group.id);
    expect(scimGroup('Engineering (old)')).toBeUndefined();
  });

  it('a pushed group deleted in Cloudflare (SCIM): the push is unlinked and made again by name, which creates it', async () => {
    await setUp();
    await scim('DELETE', `/Groups/${scimGroup('Engineering')!.id}`);
    const action = await expectRepairCycle('push-group:Engineering', 'repair:push:Engineering', /every SCIM group is named by a push: none was renamed/);
    expect([action.request?.method, ...(action.followUps ?? []).map((r) => r.method)]).toEqual(['PATCH', 'DELETE', 'POST']);
    expect(scimGroup('Engineering')!.members.size).toBe(24);
  });

  it('a member assigned through a group and deactivated in Cloudflare: no API re-assigns it, so the repair is a manual step, done in Okta', async () => {
    await setUp();
    const engineer = [...s!.cloudflare.state.scimUsers.values()].find(
      (u) => u.active && u.userName !== DIRECT_USER && scimGroup('Engineering')!.members.has(u.memberId!),
    )!;
    await scim('PATCH', `/Users/${engineer.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    await provisioned(s!);
    const before = await verify();
    expect(before.code).toBe(1);
    const bringBack = `remove each of ${engineer.userName} from the group that assigns it to the app and add it back`;
    expect(before.check('members').fix).toContain(bringBack);
    // The group lacks only that user: one diagnosis and one fix in both checks, never "push it again", which cannot add
    // a user Cloudflare dropped (and would put the push in ERROR) (#34 item 10).
    const pushed = before.check('push-group:Engineering');
    expect(pushed).toMatchObject({ status: 'fail', summary: expect.stringContaining('lacks only users Cloudflare dropped from the account') });
    expect(pushed.fix).toBe(before.check('members').fix);
    expect(pushed.fix).not.toContain('scim-setup okta');
    const r = await run('okta', okta(['--yes', '--wait', '30s']));
    // A manual step left: exit 3, and the step says what to do where.
    expect(r.code, r.stderr).toBe(3);
    expect(r.doc.manualSteps).toEqual([
      expect.objectContaining({ id: `repair:user:${engineer.userName}`, title: expect.stringContaining('remove the user from the group that assigns it') }),
    ]);
    expect(JSON.stringify(r.doc.manualSteps)).toContain(bringBack);
    // The group lacks only that user, whom no push can add while Cloudflare has dropped it: no re-push.
    expect(r.doc.applied.map((a: { id: string }) => a.id)).toEqual([`repair:user:${engineer.userName}`]);
    // The admin does it in Okta: out of the group and back in; Okta pushes the user anew.
    const user = [...s!.okta.state.users.values()].find((u) => u.profile.login === engineer.userName)!;
    const engineering = [...s!.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering' && g.type !== 'APP_GROUP')!;
    // An admin's two changes, each answered by Okta's provisioning before the next.
    for (const method of ['DELETE', 'PUT']) {
      await fetch(`${s!.okta.url}/api/v1/groups/${engineering.id}/users/${user.id}`, { method, headers: { authorization: `SSWS ${s!.env.OKTA_API_TOKEN}` } });
      await provisioned(s!);
    }
    expect((await verify()).code).toBe(0);
    expect((await run('okta', okta(['--dry-run', '--detailed-exitcode']))).code).toBe(0);
  });

  it('work in flight is not drift: a group just pushed, with provisioning slowed, is pending and then passes, with no failure between', async () => {
    s = await sandbox({ admin: 'auto', provisioningDelayMs: 1500, clock: new ManualClock() });
    const r = await run('okta', okta(['--yes', '--wait', '60s']));
    expect(r.code, r.stderr).toBe(0);
    // verify polls until nothing is pending or something fails: exit 0 after several rounds means
    // each earlier round was pending, and none failed.
    expect(r.doc.verification.rounds).toBeGreaterThan(1);
    expect(r.doc.verification.checks.map((c: CheckDoc) => c.status)).not.toContain('fail');
  });
});
