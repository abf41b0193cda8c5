import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { guideProvisioning } from '../../src/sandbox/admin.js';
import { SUPER_ADMIN_ROLE_ID } from '../../src/sandbox/cloudflare/records.js';
import { cleanEnv, runInProcess, type CheckDoc } from '../helpers/cli.js';
import { control, inviteByApi, provisionAsGuide, provisioned, reached, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

/**
 * The world as the vendors document it (#21). Each test names the fact and the source it follows:
 * - CF-SPEC: shared/specs/cloudflare/cloudflare-scim-setup-subset.json, the operations' descriptions;
 * - OKTA-GUIDE: shared/reference/okta-scim-protocol/ (scim-20-reference.md, event-types-provisioning.json);
 * - Okta Help, "Group Push troubleshooting" (no text copied): a linked group deleted in the target
 *   puts the push mapping in error ("Linked group is missing …") and is not created again.
 */
// On a clock of the test's: Okta's retries (minutes to hours) and every wait are taken on it (lib/clock.ts).
let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const scim = (method: string, path: string, body?: unknown) =>
  fetch(`${s!.scimBaseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${s!.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const run = (command: string, args: string[]) =>
  runInProcess([command, '--json', '--settle', '1s', ...args], { env: cleanEnv(s!.env), secrets: sandboxSecrets(s!), on: s }).then((r) => ({
    ...r,
    doc: JSON.parse(r.stdout),
  }));
const check = (doc: { checks?: CheckDoc[]; verification?: { checks: CheckDoc[] } }, id: string) =>
  (doc.checks ?? doc.verification!.checks).find((c) => c.id === id);

describe('Cloudflare as its spec describes it', () => {
  it('1. SCIM /Users lists every account member: the owner and an invited member, with no externalId (CF-SPEC: "Lists account members as SCIM User resources")', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const invited = await inviteByApi(s, 'invited.admin@example.com', [SUPER_ADMIN_ROLE_ID]);
    expect(invited.status).toBe(200);
    // An invitation, pending until accepted (the spec's default, #35 item 6): a Super Administrator only once accepted.
    expect((await invited.json()).result.status).toBe('pending');
    expect(s.cloudflare.state.superAdmins().map((m) => m.email)).toEqual(['owner@example.com']);
    const users = (await (await scim('GET', '/Users')).json()).Resources as Array<{ id: string; userName: string; active: boolean; externalId?: string }>;
    const owner = users.find((u) => u.userName === 'owner@example.com');
    expect(owner).toMatchObject({ active: true });
    expect(owner?.externalId).toBeUndefined();
    expect(users.find((u) => u.userName === 'invited.admin@example.com')).toMatchObject({ active: true });
    // And by id, as GET /Users/{id} reads "a single account member".
    expect((await scim('GET', `/Users/${owner!.id}`)).status).toBe(200);
  });

  it('1b. a pending invitee is a SCIM user, or (the variant pendingInvitee=unlisted) not, until accepted (#35)', async () => {
    for (const pendingInvitee of ['listed', 'unlisted'] as const) {
      s = await sandbox({ clock: new ManualClock(), variants: { pendingInvitee } });
      const invited = await inviteByApi(s, 'invitee@example.com', [SUPER_ADMIN_ROLE_ID]);
      expect(invited.status).toBe(200);
      const users = (await (await scim('GET', '/Users')).json()).Resources as Array<{ userName: string }>;
      expect(users.some((u) => u.userName === 'invitee@example.com')).toBe(pendingInvitee === 'listed');
      await s.close();
      s = undefined;
    }
  });

  it("2. system groups cloudflare-v1-<tag> are listed in /Groups and in members' groups; only member operations on them (CF-SPEC: GET/PATCH/DELETE /Groups)", async () => {
    s = await sandbox({ clock: new ManualClock() });
    const systemId = `cloudflare-v1-${SUPER_ADMIN_ROLE_ID}`;
    const groups = (await (await scim('GET', '/Groups')).json()).Resources as Array<{ id: string; displayName: string }>;
    expect(groups).toContainEqual(expect.objectContaining({ id: systemId, displayName: 'Super Administrator - All Privileges' }));
    const users = (await (await scim('GET', '/Users')).json()).Resources as Array<{ userName: string; groups: string[] }>;
    expect(users.find((u) => u.userName === 'owner@example.com')?.groups).toContain(systemId);
    const rename = await scim('PATCH', `/Groups/${systemId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Mine now' }] });
    expect(rename.status).toBe(400);
    expect((await scim('DELETE', `/Groups/${systemId}`)).status).toBe(400);
  });
});

describe('Custom user groups are SCIM groups, whoever made them (CF-SPEC: GET /Groups lists "system groups and custom user groups"; #35 item 5)', () => {
  it('a group made in the dashboard is listed and found by displayName; a push of that name links to it, and verify passes', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const owner = { request: { method: 'POST', path: '/iam/user_groups', headers: {} }, token: s.cloudflare.state.addToken('dashboard', ['accountWrite']) };
    const dashboard = s.cloudflare.state.createUserGroup('Engineering', [], owner);
    const listed = await (await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`)).json();
    expect(listed.Resources.map((g: { id: string }) => g.id)).toEqual([dashboard.id]);
    const r = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s']);
    expect(r.code, r.stderr).toBe(0);
    const mapping = [...[...s.okta.state.apps.values()][0].mappings.values()][0];
    expect(mapping.status).toBe('ACTIVE');
    expect(mapping.scimGroupId).toBe(dashboard.id);
    expect(dashboard.members.size).toBeGreaterThan(0);
    expect([...s.cloudflare.state.userGroups.values()].filter((g) => g.name === 'Engineering')).toHaveLength(1);
  });
});

describe('SCIM as Cloudflare takes it', () => {
  it("4. only the filters the spec names are taken (userName eq, displayName eq: CF-SPEC filter parameters); a PATCH or PUT may not change a member's e-mail domain", async () => {
    s = await sandbox({ clock: new ManualClock() });
    for (const filter of ['userName sw "owner"', 'userName eq "a@x.com" or userName eq "b@x.com"', 'userName pr', 'emails.value eq "owner@example.com"'])
      expect((await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).status, filter).toBe(400);
    expect((await scim('GET', `/Groups?filter=${encodeURIComponent('displayName co "Eng"')}`)).status).toBe(400);
    expect((await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Nobody"')}`)).status).toBe(200);
    const made = await (
      await scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.com',
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        active: true,
      })
    ).json();
    const rename = (userName: string) =>
      scim('PATCH', `/Users/${made.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: userName }] });
    expect((await rename('ada.lovelace@example.com')).status).toBe(200);
    expect((await rename('ada@elsewhere.example')).status).toBe(400);
    const put = await scim('PUT', `/Users/${made.id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@elsewhere.example',
      active: true,
    });
    expect(put.status).toBe(400);
  });
});

describe('Groups made over SCIM belong to the identity provider', () => {
  const v4 = (method: string, path: string, body?: unknown) =>
    fetch(`${s!.cloudflare.apiBaseUrl}/accounts/${s!.accountId}${path}`, {
      method,
      headers: { authorization: `Bearer ${s!.cloudflare.state.addToken('admin', ['accountWrite', 'accountRead']).value}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('3. a SCIM group cannot be renamed, re-membered or deleted through the v4 API; its policies can be set (CF docs user-groups.excerpt.mdx: "you cannot change the name, members, or delete a group")', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const made = await (
      await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [] })
    ).json();
    const members = (await (await v4('GET', '/members')).json()).result as Array<{ id: string }>;
    const refusals = await Promise.all([
      v4('PUT', `/iam/user_groups/${made.id}`, { name: 'Renamed' }),
      v4('DELETE', `/iam/user_groups/${made.id}`),
      v4('POST', `/iam/user_groups/${made.id}/members`, [{ id: members[0].id }]),
      v4('PUT', `/iam/user_groups/${made.id}/members`, []),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(((await refusals[1].json()).errors as Array<{ message: string }>)[0].message).toMatch(/managed by SCIM/);
    const roles = (await (await v4('GET', '/iam/permission_groups')).json()).result as Array<{ id: string }>;
    const scope = { key: `com.cloudflare.api.account.${s.accountId}`, objects: [{ key: '*' }] };
    const policies = await v4('PUT', `/iam/user_groups/${made.id}`, {
      policies: [{ access: 'allow', permission_groups: [{ id: roles[0].id }], resource_groups: [{ scope }] }],
    });
    expect(policies.status).toBe(200);
    // A group made in the dashboard or the v4 API is the account's own: its members and its existence change there.
    const own = (await (await v4('POST', '/iam/user_groups', { name: 'Contractors' })).json()).result as { id: string };
    expect((await v4('POST', `/iam/user_groups/${own.id}/members`, [{ id: members[0].id }])).status).toBe(200);
    expect((await v4('DELETE', `/iam/user_groups/${own.id}`)).status).toBe(200);
    expect((await scim('GET', `/Groups/${made.id}`)).status).toBe(200);
  });

  it('3. PUT /Groups/{id} replaces a group whole: name, externalId and members (CF changelog 2026-08-21, changelogs-and-notes.excerpt.mdx; RFC 7644 §3.5.1)', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const made = await (
      await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [] })
    ).json();
    const owner = ((await (await scim('GET', '/Users')).json()).Resources as Array<{ id: string; userName: string }>).find(
      (u) => u.userName === 'owner@example.com',
    )!;
    const put = await scim('PUT', `/Groups/${made.id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Platform',
      externalId: 'okta-00g1',
      members: [{ value: owner.id }],
    });
    expect(put.status).toBe(200);
    const read = await (await scim('GET', `/Groups/${made.id}`)).json();
    expect(read).toMatchObject({ displayName: 'Platform', externalId: 'okta-00g1', members: [expect.objectContaining({ value: owner.id })] });
    const emptied = await (
      await scim('PUT', `/Groups/${made.id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Platform' })
    ).json();
    expect(emptied.members ?? []).toEqual([]);
    expect((await scim('PUT', `/Groups/cloudflare-v1-${SUPER_ADMIN_ROLE_ID}`, { displayName: 'x' })).status).toBe(400);
  });
});

describe('SCIM attributes as RFC 7643 types them', () => {
  it('4/15. userName is case-insensitive in filters and uniqueness (RFC 7643 §4.1.1: caseExact false)', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const upper = encodeURIComponent('userName eq "OWNER@EXAMPLE.COM"');
    const found = (await (await scim('GET', `/Users?filter=${upper}`)).json()).Resources as Array<{ userName: string }>;
    expect(found.map((u) => u.userName)).toEqual(['owner@example.com']);
    const again = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'Owner@Example.com',
      emails: [{ value: 'Owner@Example.com', type: 'work', primary: true }],
      active: true,
    });
    expect(again.status).toBe(409);
  });
});

describe("Okta's engine as Okta documents it", () => {
  it('a pushed group deleted in Cloudflare: its push in error (Okta Help), or (the variant deletedGroup=recreated) pushed afresh by name on the next pass', async () => {
    for (const deletedGroup of ['error', 'recreated'] as const) {
      s = await sandbox({ clock: new ManualClock(), admin: 'auto', variants: { deletedGroup } });
      expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s', '--no-verify'])).code).toBe(0);
      await provisioned(s!);
      const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
      expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
      // A membership change makes Okta push the group.
      const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering' && g.type === 'OKTA_GROUP')!;
      const newcomer = [...s.okta.state.users.values()].find((u) => !s!.okta.state.members.get(engineering.id)?.has(u.id))!;
      s.okta.state.addMember(engineering, newcomer);
      await provisioned(s!);
      const mapping = [...[...s.okta.state.apps.values()][0].mappings.values()][0];
      const again = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering');
      if (deletedGroup === 'error') {
        expect(mapping.status).toBe('ERROR');
        expect(again).toBeUndefined();
      } else {
        expect(mapping.status).toBe('ACTIVE');
        expect(again?.id).not.toBe(group.id);
        expect(mapping.scimGroupId).toBe(again?.id);
      }
      await s.close();
      s = undefined;
    }
  });

  it('with Update User Attributes on, a profile changed in Okta is read and replaced in Cloudflare (GET, then PUT), logged as push_profile; off, nothing is sent (OKTA-GUIDE; #35 item 8)', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--assign-group', 'Sales', '--yes', '--wait', '30s', '--no-verify'])).code).toBe(0);
    await provisioned(s!);
    const app = [...s.okta.state.apps.values()][0];
    const [userId, pushed] = [...app.provisioned][0];
    const user = s.okta.state.users.get(userId)!;
    const rename = async (firstName: string) => {
      s!.okta.state.replaceUserProfile(user, { ...user.profile, firstName });
      await provisioned(s!);
    };
    await rename('Unpushed');
    expect(s.cloudflare.state.scimUsers.get(pushed.externalId)?.givenName).not.toBe('Unpushed');
    s.okta.setProvisioning(app.id, { ...guideProvisioning(s.scimBaseUrl, s.env.CLOUDFLARE_SCIM_TOKEN), updateUserAttributes: true });
    await provisioned(s!);
    const before = s.okta.state.logs.length;
    await rename('Renamed');
    expect(s.cloudflare.state.scimUsers.get(pushed.externalId)?.givenName).toBe('Renamed');
    const pushes = s.okta.state.logs.slice(before).filter((e) => e.eventType === 'application.provision.user.push_profile');
    expect(pushes.map((e) => e.outcome.result)).toEqual(['SUCCESS']);
  });

  it("7. Okta's requests are its SCIM guide's: the lookup, the headers, the create body, membership as add and remove after the name (OKTA-GUIDE: scim20-exchanges.json)", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const seen: Array<{ method: string; url: URL; headers: Record<string, unknown>; body: { Operations?: unknown[]; groups?: unknown } | undefined }> = [];
    s.cloudflare.server.taps.push((x) =>
      seen.push({ method: x.method, url: new URL(x.url), headers: x.request.headers, body: x.request.body ? JSON.parse(x.request.body) : undefined }),
    );
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s', '--no-verify'])).code).toBe(0);
    await provisioned(s!);
    const okta = () => seen.filter((x) => x.headers['user-agent'] === 'Okta SCIM Client 1.0.0');
    const lookup = okta().find((x) => x.method === 'GET' && x.url.pathname.endsWith('/Users'))!;
    expect(lookup.url.searchParams.get('filter')).toMatch(/^userName eq ".+@.+"$/);
    expect([lookup.url.searchParams.get('startIndex'), lookup.url.searchParams.get('count')]).toEqual(['1', '100']);
    const create = okta().find((x) => x.method === 'POST' && x.url.pathname.endsWith('/Users'))!;
    expect(create.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(Object.keys(create.body!).sort()).toEqual(
      ['active', 'displayName', 'emails', 'externalId', 'groups', 'locale', 'name', 'password', 'schemas', 'userName'].sort(),
    );
    expect(create.body!.groups).toEqual([]);
    // Every membership push follows a name PATCH; a later change goes as an incremental add.
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    const newcomer = [...s.okta.state.users.values()].find((u) => !s!.okta.state.members.get(engineering.id)!.has(u.id))!;
    s.okta.state.members.get(engineering.id)!.add(newcomer.id);
    s.okta.engine.schedule();
    await provisioned(s!);
    const patches = okta()
      .filter((x) => x.method === 'PATCH' && x.url.pathname.includes('/Groups/'))
      .map((x) => x.body?.Operations?.[0]);
    const last = patches.slice(-2);
    expect(last[0]).toMatchObject({ op: 'replace', value: { displayName: 'Engineering' } });
    expect(last[1]).toEqual({ op: 'add', path: 'members', value: [{ value: expect.any(String), display: newcomer.profile.login }] });
    s.okta.state.members.get(engineering.id)!.delete(newcomer.id);
    s.okta.engine.schedule();
    await provisioned(s!);
    const removal = okta()
      .filter((x) => x.method === 'PATCH' && x.url.pathname.includes('/Groups/'))
      .at(-1)?.body?.Operations?.[0];
    expect(removal).toMatchObject({ op: 'remove', path: expect.stringMatching(/^members\[value eq "[^"]+"\]$/) });
  });

  it("6. the audit log's raw.user_agent is the request's, as Cloudflare's docs show it", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s', '--no-verify'])).code).toBe(0);
    await provisioned(s!);
    const scimEntries = s.cloudflare.state.audit.filter((e) => e.raw.uri.includes('/scim/v2'));
    expect(scimEntries.length).toBeGreaterThan(0);
    expect(new Set(scimEntries.map((e) => e.raw.user_agent))).toEqual(new Set(['Okta SCIM Client 1.0.0']));
  });

  it("10. a pushed group deleted in Cloudflare puts the push in error with Okta's message and is not created again; its event is the catalogue's failure type", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    await provisioned(s!);
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    // A membership change in Okta makes it push, and find the linked group gone.
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    const newcomer = [...s.okta.state.users.values()].find((u) => !s!.okta.state.members.get(engineering.id)!.has(u.id))!;
    s.okta.state.members.get(engineering.id)!.add(newcomer.id);
    s.okta.engine.schedule();
    await provisioned(s!);
    const mapping = [...[...s.okta.state.apps.values()][0].mappings.values()][0];
    expect(mapping).toMatchObject({ status: 'ERROR', errorSummary: expect.stringMatching(/^Linked group is missing/) });
    expect([...s.cloudflare.state.userGroups.values()].some((g) => g.name === 'Engineering')).toBe(false);
    expect(s.okta.state.logs.map((e) => e.eventType)).toContain('application.provision.group_push.mapping.update.or.delete.failed.with.error');
  });
});

/** Cloudflare rate-limits Okta's user lookups, with its own 429 body, `times` times. */
const rateLimited = (retryAfter: string | undefined, times: number) =>
  control(s!.cloudflare.url, 'POST', '/__sandbox/faults', {
    rules: [
      {
        method: 'GET',
        path: '/scim/v2/Users\\?filter=',
        status: 429,
        times,
        body: { success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }], messages: [], result: null },
        headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
      },
    ],
  });
describe('Users assigned before provisioning was on (Okta Help, "Provision unprovisioned users")', () => {
  it('8. stay unprovisioned when it is turned on (app user ACTIVE, DISABLED, no externalId), until an admin provisions them or they are assigned afresh', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const admin = { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' };
    const okta = (method: string, path: string, body?: unknown) =>
      fetch(`${s!.okta.url}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
    const app = await (await okta('POST', '/api/v1/apps', { name: 'scim2testapp', label: 'Cloudflare SCIM', signOnMode: 'AUTO_LOGIN' })).json();
    const [early, late, again] = [...s.okta.state.users.values()].slice(0, 3);
    for (const u of [early, again]) await okta('POST', `/api/v1/apps/${app.id}/users`, { id: u.id, scope: 'USER' });
    provisionAsGuide(s, app.id);
    await okta('POST', `/api/v1/apps/${app.id}/users`, { id: late.id, scope: 'USER' });
    await provisioned(s!);
    const members = () => [...s!.cloudflare.state.scimUsers.values()].filter((u) => u.active).map((u) => u.userName);
    expect(members()).toContain(late.profile.login);
    expect(members()).not.toContain(early.profile.login);
    const appUser = await (await okta('GET', `/api/v1/apps/${app.id}/users/${early.id}`)).json();
    expect(appUser).toMatchObject({ status: 'ACTIVE', syncState: 'DISABLED', externalId: null });
    // Unassigned and assigned again, it is a new app user, provisioned as any other.
    await okta('DELETE', `/api/v1/apps/${app.id}/users/${again.id}`);
    await okta('POST', `/api/v1/apps/${app.id}/users`, { id: again.id, scope: 'USER' });
    await provisioned(s!);
    expect(members()).toContain(again.profile.login);
    expect(members()).not.toContain(early.profile.login);
    // The admin's "Provision User" on the Assignments tab.
    await control(s.okta.url, 'POST', `/__sandbox/apps/${app.id}/provision-users`);
    await provisioned(s!);
    expect(members()).toContain(early.profile.login);
  });
});

describe("Okta's rule for a SCIM server's 429 (OKTA-GUIDE: scim-rate-limiting-429.md)", () => {
  const reasons = () => s!.okta.state.logs.filter((e) => e.eventType === 'application.integration.rate_limit_exceeded').map((e) => e.outcome.reason);

  it("9. an integer Retry-After is waited for, then retried; the pause is logged as the catalogue's rate_limit_exceeded", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const login = [...s.okta.state.users.values()][0].profile.login;
    await rateLimited('0', 2);
    expect((await run('okta', ['--assign-user', login, '--yes', '--no-verify'])).code).toBe(0);
    await provisioned(s!);
    expect(reasons()).toEqual([expect.stringMatching(/retry 1 of 10 in 0 s$/), expect.stringMatching(/retry 2 of 10 in 0 s$/)]);
    expect([...s.cloudflare.state.scimUsers.values()].some((u) => u.userName === login && u.active)).toBe(true);
  });

  it('9. no Retry-After, or one that is not an integer, waits five minutes; a long wait holds the task', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const login = [...s.okta.state.users.values()][0].profile.login;
    await rateLimited('Wed, 11 Mar 2026 23:29:00 GMT', 1);
    expect((await run('okta', ['--assign-user', login, '--yes', '--no-verify'])).code).toBe(0);
    await reached(s!, () => reasons().length === 1);
    expect(reasons()[0]).toMatch(/retry 1 of 10 in 300 s$/);
    expect([...s.cloudflare.state.scimUsers.values()].some((u) => u.userName === login)).toBe(false);
  });

  it('9. the tenth retry rate-limited too fails the task for good: the app user shows ERROR and the System Log an ERROR', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const login = [...s.okta.state.users.values()][0].profile.login;
    await rateLimited('0', 11);
    expect((await run('okta', ['--assign-user', login, '--yes', '--no-verify'])).code).toBe(0);
    await provisioned(s!);
    expect(reasons()).toHaveLength(10);
    const app = [...s.okta.state.apps.values()][0];
    const user = [...s.okta.state.users.values()][0];
    expect(app.failedTasks.get(user.id)).toMatch(/Okta stopped retrying/);
    const failed = s.okta.state.logs.filter((e) => e.eventType === 'application.provision.user.push' && e.outcome.result === 'FAILURE');
    expect(failed).toEqual([expect.objectContaining({ severity: 'ERROR' })]);
    const appUser = await (
      await fetch(`${s.okta.url}/api/v1/apps/${app.id}/users/${user.id}`, { headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}` } })
    ).json();
    expect(appUser).toMatchObject({ syncState: 'ERROR', externalId: null });
    // Nothing more is sent until an admin retries the task.
    s.okta.engine.schedule(app.id, 0);
    await provisioned(s!);
    expect(reasons()).toHaveLength(10);
    await control(s.okta.url, 'POST', `/__sandbox/apps/${app.id}/tasks/retry`);
    await provisioned(s!);
    expect([...s.cloudflare.state.scimUsers.values()].some((u) => u.userName === login && u.active)).toBe(true);
  });
});

describe('the product, right in that world', () => {
  it('11. no Super Administrator warning for members Okta never provisioned (the owner, an invited admin)', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    s.cloudflare.state.addMember('invited.admin@example.com', 'Invited', 'Admin', [SUPER_ADMIN_ROLE_ID], false);
    const r = await run('verify', []);
    expect(r.code, r.stderr).toBe(0);
    expect(check(r.doc, 'warn-super-admins')).toBeUndefined();
  });

  it('12. system groups are never taken for a renamed push: a deletion is told as a deletion on an account full of them', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    for (const [i, role] of s.cloudflare.state.permissionGroups.slice(1, 6).entries())
      s.cloudflare.state.addMember(`holder.${i}@example.com`, null, null, [role.id], false);
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    await provisioned(s!);
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    expect((await scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    const r = await run('verify', ['--wait', '30s']);
    expect(r.code).toBe(1);
    expect(check(r.doc, 'push-group:Engineering')?.summary).toContain('deleted in Cloudflare');
  });

  it("12. a push in error because its group was deleted is reported with Okta's message, and okta repairs it", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    await provisioned(s!);
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    await scim('DELETE', `/Groups/${group.id}`);
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    s.okta.state.members.get(engineering.id)!.add([...s.okta.state.users.values()].find((u) => !s!.okta.state.members.get(engineering.id)!.has(u.id))!.id);
    s.okta.engine.schedule();
    await provisioned(s!);
    const broken = await run('verify', []);
    expect(broken.code).toBe(1);
    expect(check(broken.doc, 'push-group:Engineering')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('Linked group is missing'),
      fix: expect.stringContaining('unlinks the push and pushes the group afresh'),
    });
    const dry = await run('okta', ['--push-group', 'Engineering', '--dry-run']);
    expect(dry.doc.actions.find((a: { id: string }) => a.id === 'repair:push:Engineering')).toMatchObject({ kind: 'update' });
    const repaired = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s']);
    expect(repaired.code, `${repaired.stderr}\n${JSON.stringify(repaired.doc.verification?.checks?.filter((c: CheckDoc) => c.status !== 'pass'))}`).toBe(0);
    expect([...s.cloudflare.state.userGroups.values()].some((g) => g.name === 'Engineering' && g.scim)).toBe(true);
    const after = await run('verify', []);
    expect(after.code, JSON.stringify(after.doc.checks.filter((c: CheckDoc) => c.status !== 'pass'))).toBe(0);
  });

  it("16. Cloudflare's refusals are diagnosed by their codes: a token that cannot be one (exit 2, nothing sent), a revoked one, one without the permission (exit 4)", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const before = s.cloudflare.state.audit.length;
    const sent = { count: 0 };
    s.cloudflare.server.taps.push(() => sent.count++);
    const pasted = await runInProcess(['okta', '--dry-run', '--json'], {
      env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: `${s.env.CLOUDFLARE_SCIM_TOKEN}"` }),
      secrets: sandboxSecrets(s),
      on: s,
    });
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toContain('a character no Cloudflare token has');
    expect(sent.count).toBe(0);
    // A token of the account that may not read SCIM ("Account API Tokens: Read" alone; Account Settings tokens may read it): valid, active, denied.
    const readOnly = s.cloudflare.state.addToken('tokens only', ['tokensRead']).value;
    const denied = await runInProcess(['okta', '--dry-run', '--json'], {
      env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: readOnly }),
      secrets: [...sandboxSecrets(s), readOnly],
      on: s,
    });
    expect(denied.code, denied.stderr + denied.stdout).toBe(4);
    const deniedDoc = JSON.parse(denied.stdout);
    expect(deniedDoc.error.message).toContain('the token is valid and active, but may not do this');
    // SCIM's error shape carries no documentation link (the v4 envelope's is in the unit test).
    expect(deniedDoc.error.fix).toContain(`Give the token "SCIM Provisioning: Edit" on account ${s.accountId}`);
    await control(s.cloudflare.url, 'POST', '/__sandbox/tokens/revoke', { token: s.env.CLOUDFLARE_SCIM_TOKEN });
    const revoked = await run('okta', ['--dry-run']);
    expect(revoked.code).toBe(4);
    expect(revoked.doc.error.message).toContain('Cloudflare does not know the token in CLOUDFLARE_SCIM_TOKEN: it is wrong, revoked or expired');
    expect(s.cloudflare.state.audit.length).toBe(before);
  });

  it("13. a task Cloudflare rate-limited is waiting on Okta's retry, with when (pending, exit 3)", async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const [first] = [...s.okta.state.users.values()];
    await rateLimited('3600', 1);
    expect((await run('okta', ['--assign-user', first.profile.login, '--yes', '--no-verify'])).code).toBe(0);
    await reached(s!, () => s!.okta.state.logs.some((e) => e.eventType === 'application.integration.rate_limit_exceeded'));
    const waiting = await run('verify', []);
    expect(waiting.code, JSON.stringify(waiting.doc.checks)).toBe(3);
    expect(check(waiting.doc, 'okta-log')).toMatchObject({ status: 'pending', summary: expect.stringContaining('Okta retries by itself') });
    expect(check(waiting.doc, 'okta-log')?.evidence[0]).toMatch(/the next is due by \d{4}-\d\d-\d\dT.* at the latest/);
    expect(check(waiting.doc, 'members')).toMatchObject({ status: 'pending', summary: expect.stringContaining('rate-limited') });
  });

  it('13. where Okta logs no pause (rateLimitPause=silent), a task Cloudflare rate-limited is still waiting (pending, exit 3), never a failure', async () => {
    const clock = new ManualClock();
    s = await sandbox({ clock, admin: 'auto', variants: { rateLimitPause: 'silent' } });
    const [first] = [...s.okta.state.users.values()];
    await rateLimited('3600', 1);
    expect((await run('okta', ['--assign-user', first.profile.login, '--yes', '--no-verify'])).code).toBe(0);
    // Okta has met the 429 once it has used the rule up; it logs nothing for it in this world.
    while ((await control(s.cloudflare.url, 'GET', '/__sandbox/faults')).rules[0].times > 0) await clock.pass(100, s.busy);
    expect(s.okta.state.logs.some((e) => e.eventType === 'application.integration.rate_limit_exceeded')).toBe(false);
    const waiting = await run('verify', []);
    expect(waiting.code, JSON.stringify(waiting.doc.checks)).toBe(3);
    expect(check(waiting.doc, 'members')).toMatchObject({ status: 'pending', summary: expect.stringContaining('waiting for Okta to provision them') });
    expect(waiting.doc.checks.filter((c: CheckDoc) => c.status === 'fail')).toEqual([]);
  });

  it.each(['logged', 'silent'] as const)(
    '13. a task that ran out of retries needs an admin, with Dashboard → Tasks (exit 1; rateLimitPause=%s)',
    async (rateLimitPause) => {
      s = await sandbox({ clock: new ManualClock(), admin: 'auto', variants: { rateLimitPause } });
      const [first] = [...s.okta.state.users.values()];
      await rateLimited('0', 11);
      expect((await run('okta', ['--assign-user', first.profile.login, '--yes', '--no-verify'])).code).toBe(0);
      await reached(s!, () => [...s!.okta.state.apps.values()][0].failedTasks.size > 0);
      const stuck = await run('verify', []);
      expect(stuck.code).toBe(1);
      expect(check(stuck.doc, 'members')).toMatchObject({
        status: 'fail',
        summary: expect.stringContaining('failed for good and waits for an admin'),
        fix: expect.stringContaining(`Dashboard → Tasks (${s.okta.url}/admin/tasks)`),
      });
    },
  );

  it.each(['disabled', 'unset'] as const)(
    '14. users assigned before provisioning are said as such, repaired by API where safe (a direct assignment, a group none of whose members is provisioned), else a manual step with Provision User (preProvisionedUser=%s)',
    async (reading) => {
      s = await sandbox({ clock: new ManualClock(), variants: { preProvisionedUser: reading } });
      // The app made and the guided step left waiting: the admin assigns before turning provisioning on.
      expect((await run('okta', ['--yes', '--wait', '0s'])).code).toBe(3);
      const app = [...s.okta.state.apps.values()][0];
      const [direct, viaSafe, viaMixed, provisionedLater] = [...s.okta.state.users.values()];
      const safe = s.okta.state.addGroup('Safe Team', null, 'OKTA_GROUP');
      const mixed = s.okta.state.addGroup('Mixed Team', null, 'OKTA_GROUP');
      s.okta.state.members.get(safe.id)!.add(viaSafe.id);
      for (const u of [viaMixed, provisionedLater]) s.okta.state.members.get(mixed.id)!.add(u.id);
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${s!.okta.url}${path}`, {
          method,
          headers: { authorization: `SSWS ${s!.env.OKTA_API_TOKEN}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      await admin('POST', `/api/v1/apps/${app.id}/users`, { id: direct.id, scope: 'USER' });
      await admin('PUT', `/api/v1/apps/${app.id}/groups/${safe.id}`, {});
      await admin('PUT', `/api/v1/apps/${app.id}/groups/${mixed.id}`, {});
      provisionAsGuide(s, app.id);
      // One of the mixed group's members is provisioned since: unassigning that group would deprovision it.
      s.okta.state.setUserStatus(provisionedLater, 'ACTIVE');
      app.unprovisioned.delete(provisionedLater.id);
      s.okta.engine.schedule(app.id, 0);
      await provisioned(s!);

      // Such a user as this world's Okta shows it: syncState DISABLED, or none at all.
      const shown = await (await admin('GET', `/api/v1/apps/${app.id}/users/${direct.id}`)).json();
      expect(shown).toMatchObject({ status: 'ACTIVE', externalId: null });
      expect(shown.syncState).toBe(reading === 'disabled' ? 'DISABLED' : undefined);
      const before = await run('verify', []);
      expect(before.code).toBe(1);
      expect(check(before.doc, 'members')).toMatchObject({
        status: 'fail',
        summary: '3 assigned users were assigned before provisioning was on: Okta does not provision them by itself',
        fix: expect.stringContaining(`${s.okta.url}/admin/app/scim2testapp/instance/${app.id}/#tab-assignments`),
      });
      const args = ['--assign-user', direct.profile.login, '--assign-group', 'Safe Team', '--assign-group', 'Mixed Team'];
      const dry = await run('okta', [...args, '--dry-run']);
      const byId = (id: string) => dry.doc.actions.find((a: { id: string }) => a.id === id);
      expect(byId(`repair:user:${direct.profile.login}`)).toMatchObject({ kind: 'update', request: { method: 'DELETE' } });
      expect(byId('repair:provision-group:Safe Team')).toMatchObject({ kind: 'update', followUps: [{ method: 'PUT' }] });
      expect(byId('repair:provision-group:Mixed Team')).toBeUndefined();
      expect(byId('repair:provision-users')).toMatchObject({ kind: 'manual', detail: expect.stringContaining(viaMixed.profile.login) });
      const repaired = await run('okta', [...args, '--yes', '--wait', '30s']);
      expect(repaired.code).toBe(3);
      expect(repaired.doc.manualSteps.map((m: { id: string }) => m.id)).toEqual(['repair:provision-users']);
      await provisioned(s!);
      const active = new Set([...s.cloudflare.state.scimUsers.values()].filter((u) => u.active).map((u) => u.userName));
      expect([direct, viaSafe, provisionedLater].map((u) => active.has(u.profile.login))).toEqual([true, true, true]);
      expect(active.has(viaMixed.profile.login)).toBe(false);
      await control(s.okta.url, 'POST', `/__sandbox/apps/${app.id}/provision-users`);
      await provisioned(s!);
      const after = await run('verify', []);
      expect(after.code, JSON.stringify(after.doc.checks.filter((c: CheckDoc) => c.status !== 'pass'))).toBe(0);
    },
  );

  it('#24 item 4: a Base URL one character off is blamed as the Base URL, not the token that works; where Okta shows it, it is compared', async () => {
    s = await sandbox({ clock: new ManualClock() });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '0s'])).code).toBe(3);
    const app = [...s.okta.state.apps.values()][0];
    const typo = s.scimBaseUrl.replace(/([0-9a-f])\/scim\/v2$/, (_, c: string) => `${c === 'a' ? 'b' : 'a'}/scim/v2`);
    s.okta.setProvisioning(app.id, guideProvisioning(typo, s.env.CLOUDFLARE_SCIM_TOKEN));
    await run('okta', ['--push-group', 'Engineering', '--yes', '--no-verify']);
    await provisioned(s!);
    const r = await run('verify', []);
    expect(r.code).toBe(1);
    expect(check(r.doc, 'scim-token')?.status).toBe('pass');
    expect(check(r.doc, 'okta-provisioning')?.evidence).toContainEqual(expect.stringContaining("Base URL: not readable through Okta's API"));
    expect(check(r.doc, 'okta-log')?.fix).toContain(`check the Base URL on the app's Provisioning tab first (it must be exactly ${s.scimBaseUrl}`);
    expect(check(r.doc, 'okta-log')?.fix).toContain('since the SCIM token given here works against it');
  });

  it('#24 item 4: where Okta shows its Base URL (the connection API), one for another account fails okta-provisioning by name', async () => {
    // No emulated admin: okta turns provisioning on through the connection API, and nobody sets it again after the test does.
    s = await sandbox({ clock: new ManualClock(), connectionApi: 'supported' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--no-verify'])).code).toBe(0);
    const app = [...s.okta.state.apps.values()][0];
    const other = s.scimBaseUrl.replace(s.accountId, 'f'.repeat(32));
    app.provisioning!.baseUrl = other;
    const r = await run('verify', []);
    expect(check(r.doc, 'okta-provisioning')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`its Base URL is ${other}; this account's is ${s.scimBaseUrl}`),
    });
  });

  it("#24 item 11: the guided step's deep link opens a Provisioning tab in the sandbox, whose form turns provisioning on as the admin's clicks would", async () => {
    s = await sandbox({ clock: new ManualClock() });
    const waiting = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '0s']);
    expect(waiting.code).toBe(3);
    // A run that stops carries the same `error` as every command's document, beside what it did (#23 item 2).
    expect(waiting.doc).toMatchObject({
      status: 'pending',
      exitCode: 3,
      error: { exitCode: 3, message: expect.stringContaining('Provisioning is not on yet') },
      applied: expect.any(Array),
    });
    // The guided step for a machine reader: its link and the values to paste as fields, the token masked (#24 item 29).
    expect(waiting.doc.manualSteps[0]).toMatchObject({
      link: expect.stringContaining('#tab-provisioning'),
      values: { 'SCIM 2.0 Base URL': s.scimBaseUrl, 'OAuth Bearer Token': expect.not.stringContaining(s.env.CLOUDFLARE_SCIM_TOKEN) },
    });
    expect(waiting.doc.manualSteps[0].steps[0]).not.toContain('above');
    const app = [...s.okta.state.apps.values()][0];
    const link = `${s.okta.url}/admin/app/scim2testapp/instance/${app.id}/#tab-provisioning`;
    expect(waiting.stderr + waiting.stdout).toContain(link);
    const page = await fetch(link);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const html = await page.text();
    expect(html).toContain('<section id="tab-provisioning">');
    expect(html).toContain('name="baseUrl"');
    // What the form's script sends on Save, to the endpoint it names.
    const endpoint = /send\('([^']+\/provisioning)'/.exec(html)![1];
    const saved = await fetch(`${s.okta.url}${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        baseUrl: s.scimBaseUrl,
        token: s.env.CLOUDFLARE_SCIM_TOKEN,
        createUsers: true,
        deactivateUsers: true,
        updateUserAttributes: false,
      }),
    });
    expect(saved.status).toBe(204);
    const done = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s']);
    expect(done.code, JSON.stringify(done.doc.verification?.checks?.filter((c: CheckDoc) => c.status !== 'pass'))).toBe(0);
    // The applied step keeps what the plan said of it: a person's step where Okta takes no API (#24 item 29).
    expect(waiting.doc.applied.find((a: { id: string }) => a.id === 'provisioning')).toMatchObject({ result: 'pending', guided: true });
    expect((await fetch(`${s.okta.url}/admin/tasks`)).status).toBe(200);
  });

  it('#24 item 16: a request that gets no answer is said as it is retried, on stderr, with the attempt', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '^/api/v1/apps\\?', hang: true, times: 1 }] });
    const r = await runInProcess(['okta', '--dry-run', '--request-timeout', '1s'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: Okta: GET \/api\/v1\/apps: no answer within 1s; trying again in \d+s \(attempt 2 of 5\)/);
  });

  it('#24 item 7: okta and verify read one window and give one verdict on the same state: a failure from before the run, never resolved, fails both', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    await provisioned(s!);
    const app = [...s.okta.state.apps.values()][0];
    // A failure Okta logged for a user no later success mends (a user outside every push and assignment).
    const stranger = [...s.okta.state.users.values()].find((u) => !s!.okta.state.assignedUsers(app).has(u.id))!;
    s.okta.state.log({
      eventType: 'application.provision.user.push',
      displayMessage: 'Push new user to external application',
      result: 'FAILURE',
      reason: 'HTTP 400: userName is not an e-mail address',
      targets: [
        { id: stranger.id, type: 'User', alternateId: stranger.profile.login, displayName: stranger.profile.login },
        { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label },
      ],
    });
    const again = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s']);
    const looked = await run('verify', []);
    expect([again.code, looked.code]).toEqual([1, 1]);
    // The same words, but for the moment each window starts (an hour before each run).
    const words = (doc: CheckDoc | undefined) => doc?.summary.replace(/since \S+/, 'since <an hour ago>');
    expect(words(check(again.doc, 'okta-log'))).toBe(words(check(looked.doc, 'okta-log')));
    expect(words(check(again.doc, 'okta-log'))).toContain('shows 1 provisioning failure');
  });

  it('17. a role granted the documented way, with an inline account scope, counts as that role: okta --role converges on it without a duplicate', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '30s'])).code).toBe(0);
    await provisioned(s!);
    const group = [...s.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
    const role = s.cloudflare.state.permissionGroups.find((p) => p.name === 'Administrator Read Only')!;
    // The request of Cloudflare's user-groups page, as written there.
    const put = await fetch(`${s.cloudflare.apiBaseUrl}/accounts/${s.accountId}/iam/user_groups/${group.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s.cloudflare.state.addToken('admin', ['accountWrite', 'accountRead']).value}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        policies: [
          {
            access: 'allow',
            permission_groups: [{ id: role.id }],
            resource_groups: [{ scope: { key: `com.cloudflare.api.account.${s.accountId}`, objects: [{ key: '*' }] } }],
          },
        ],
      }),
    });
    expect(put.status).toBe(200);
    const read = (await put.json()).result.policies[0].resource_groups[0];
    expect(read.id).toBeUndefined();
    const args = ['--push-group', 'Engineering', '--role', 'Engineering=Administrator Read Only'];
    const dry = await run('okta', [...args, '--dry-run']);
    expect(dry.doc.actions.find((a: { id: string }) => a.id === 'group-roles:Engineering')).toMatchObject({ kind: 'noop' });
    expect((await run('okta', [...args, '--yes', '--wait', '30s'])).code).toBe(0);
    expect(group.policies).toHaveLength(1);
    expect(
      check((await run('verify', ['--role', 'Engineering=Administrator Read Only', '--push-group', 'Engineering'])).doc, 'roles:Engineering'),
    ).toMatchObject({
      status: 'pass',
    });
  });
});
