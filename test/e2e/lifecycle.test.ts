import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSeed } from '../../src/sandbox/okta/seed.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess, startInProcess } from '../helpers/cli.js';
import { control, provisioned, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

// On a clock of the test's, moved on while the run and the sandbox wait, but where a test says otherwise.
let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const cli = (args: string[], env: Record<string, string | undefined> = {}, secrets: string[] = []) =>
  runInProcess(args, { env: cleanEnv({ ...s!.env, ...env }), secrets: [...sandboxSecrets(s!), ...secrets], on: s });
const writes = async () =>
  (await control(s!.okta.url, 'GET', '/__sandbox/requests')).writes + (await control(s!.cloudflare.url, 'GET', '/__sandbox/requests')).writes;
const resetCounts = async () => {
  await provisioned(s!);
  await control(s!.okta.url, 'DELETE', '/__sandbox/requests');
  await control(s!.cloudflare.url, 'DELETE', '/__sandbox/requests');
};
const userGroup = (name: string) => [...s!.cloudflare.state.userGroups.values()].find((g) => g.name === name);
const app = () => [...s!.okta.state.apps.values()][0];
const groupNamed = (name: string) => [...s!.okta.state.groups.values()].find((g) => g.profile.name === name && g.type !== 'APP_GROUP');
const config = (data: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'scim-life-')), 'config.json');
  writeFileSync(path, JSON.stringify(data));
  return path;
};

describe('--detailed-exitcode in every command that plans (#34 item 24)', () => {
  it('destroy, migrate and rotate-token take it as okta does: 2 while changes are pending, 0 when none, 1 on an error, and it needs --dry-run', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const destroy = await cli(['destroy', '--dry-run', '--detailed-exitcode', '--json']);
    expect(destroy.code, destroy.stderr).toBe(2);
    expect(JSON.parse(destroy.stdout)).toMatchObject({ status: 'changes', exitCode: 2 });
    // Handing Okta the token it already uses changes nothing; making a new one does.
    const same = await cli(['rotate-token', '--dry-run', '--detailed-exitcode'], { CLOUDFLARE_SCIM_TOKEN: s.env.CLOUDFLARE_SCIM_TOKEN });
    expect(same.code, same.stderr).toBe(0);
    const create = await cli(['rotate-token', '--create', '--dry-run', '--detailed-exitcode'], { CLOUDFLARE_SCIM_TOKEN: undefined });
    expect(create.code, create.stderr).toBe(2);
    // migrate with no legacy group to move: nothing to change.
    const migrate = await cli(['migrate', '--dry-run', '--detailed-exitcode']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stderr).not.toContain('unknown option');
    // An error under it is 1, so that 2 means changes alone.
    const wrong = await cli(['destroy', '--dry-run', '--detailed-exitcode', '--app-label', 'No Such App', '--delete-cloudflare-groups'], {
      OKTA_API_TOKEN: 'x'.repeat(42),
    });
    expect(wrong.code).toBe(1);
    const alone = await cli(['destroy', '--detailed-exitcode']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--detailed-exitcode goes with --dry-run');
  }, 60_000);
});

describe('roles for pushed groups', () => {
  it('gives the pushed group its roles once Okta has pushed it; verify checks them; a re-run plans nothing', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const file = config({ pushGroups: [{ name: 'Engineering', roles: ['Administrator Read Only', 'Billing'] }, 'Sales'] });
    const r = await cli(['okta', '--config', file, '--yes', '--json', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    const roleIds = userGroup('Engineering')!.policies.flatMap((p) => p.permission_groups.map((g) => g.id));
    const names = roleIds.map((id) => s!.cloudflare.state.permissionGroups.find((p) => p.id === id)?.name);
    expect(names.sort()).toEqual(['Administrator Read Only', 'Billing']);
    expect(JSON.parse(r.stdout).verification.checks.find((c: { id: string }) => c.id === 'roles:Engineering')).toMatchObject({ status: 'pass' });
    await resetCounts();
    const again = await cli(['okta', '--config', file, '--dry-run', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(await writes()).toBe(0);
  });

  it('an unknown role is an input error listing the valid names, before any write', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const r = await cli(['okta', '--push-group', 'Engineering', '--role', 'Engineering=Admin Read Only', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown Cloudflare role:');
    expect(r.stderr).toContain('Valid roles: Super Administrator - All Privileges, Administrator, Administrator Read Only');
    expect(await writes()).toBe(0);
  });

  it('a role for a group that is not pushed is refused', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const r = await cli(['okta', '--assign-group', 'Sales', '--role', 'Sales=Billing', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Sales" has a role but is not pushed');
  });
});

describe('migrate off SCIM virtual groups', () => {
  it('replaces CF-<account> - <Role> with a pushed group holding the role, unassigns the legacy group only after the proof, and nobody loses access', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const legacy = `CF-${s.accountId} - Administrator Read Only`;
    expect((await cli(['okta', '--assign-group', legacy, '--yes', '--wait', '20s'])).code).toBe(0);
    await provisioned(s!);
    const legacyMembers = [...s.okta.state.members.get(groupNamed(legacy)!.id)!].map((id) => s!.okta.state.users.get(id)!.profile.login);
    await resetCounts();
    const dry = await cli(['migrate', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).actions.map((a: { id: string }) => a.id)).toEqual(
      ['group', 'members', 'assign', 'push', 'role', 'legacy-unassign'].map((x) => `migrate:Administrator Read Only:${x}`),
    );
    expect(dry.stdout).toContain('members keep access');
    expect(await writes()).toBe(0);

    const r = await cli(['migrate', '--yes', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    // Every step has its line, then a summary and the same verification as after `okta`.
    expect(r.stdout).toContain('give user group "Cloudflare Administrator Read Only" the role Administrator Read Only');
    expect(r.stdout).toMatch(
      /Migrated "CF-\w+ - Administrator Read Only": its \d+ members hold Administrator Read Only through the Cloudflare user group "Cloudflare Administrator Read Only"/,
    );
    expect(r.stdout).toMatch(/PASS\s+push-group:Cloudflare Administrator Read Only/);
    expect(r.stdout).toMatch(/Checks: \d+ passed, 0 failed, 0 pending/);
    await provisioned(s!);
    expect(app().groups.has(groupNamed(legacy)!.id)).toBe(false);
    expect(app().groups.has(groupNamed('Cloudflare Administrator Read Only')!.id)).toBe(true);
    const group = userGroup('Cloudflare Administrator Read Only')!;
    expect(group.members.size).toBe(legacyMembers.length);
    expect(s.cloudflare.state.permissionGroups.find((p) => p.id === group.policies[0].permission_groups[0].id)?.name).toBe('Administrator Read Only');
    const now = [...s.cloudflare.state.members.values()].map((m) => m.email);
    for (const login of legacyMembers) expect(now).toContain(login);

    await resetCounts();
    const again = await cli(['migrate', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to migrate: no CF-\w+ - <Role> group is assigned to app "Cloudflare SCIM" \(0oa\w+\)\./);
    // The legacy group, unassigned now, is still in Okta: said, so that it can be cleaned up (#24 item 33).
    expect(again.stdout).toContain(`Okta still has one such group, not assigned to the app ("${legacy}"): it grants nothing through this app`);
    expect(await writes()).toBe(0);
  });

  it('refuses to unassign the legacy group while the proof is missing (exit 3), and the legacy members stay', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const legacy = `CF-${s.accountId} - Administrator Read Only`;
    expect((await cli(['okta', '--assign-group', legacy, '--yes', '--wait', '20s'])).code).toBe(0);
    await control(s.cloudflare.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'POST', path: '/scim/v2/Groups$', status: 503 }] });
    const r = await cli(['migrate', '--yes', '--wait', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('stays assigned, so nobody has lost access');
    expect(app().groups.has(groupNamed(legacy)!.id)).toBe(true);
  });
});

describe('token rotation', () => {
  it('proves the new token before touching Okta, hands it over by API where Okta takes it, and proves Okta uses it', async () => {
    s = await sandbox({ clock: new ManualClock(), connectionApi: 'supported' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const fresh = (await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'rotated', permissions: ['scim'] })).value as string;
    const refused = await cli(['rotate-token'], { CLOUDFLARE_SCIM_TOKEN: 'cfat_notavalidtoken123' });
    expect(refused.code).toBe(4);
    expect(app().provisioning?.token).toBe(s.env.CLOUDFLARE_SCIM_TOKEN);
    await resetCounts();
    expect((await cli(['rotate-token', '--dry-run'], { CLOUDFLARE_SCIM_TOKEN: fresh }, [fresh])).code).toBe(0);
    expect(await writes()).toBe(0);
    const r = await cli(['rotate-token', '--yes', '--wait', '20s', '--json'], { CLOUDFLARE_SCIM_TOKEN: fresh }, [fresh]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      byApi: true,
      steps: expect.arrayContaining([expect.objectContaining({ step: 'prove Okta uses the new token' })]),
    });
    expect(app().provisioning?.token).toBe(fresh);
    await resetCounts();
    const again = await cli(['rotate-token', '--json'], { CLOUDFLARE_SCIM_TOKEN: fresh }, [fresh]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).alreadyRotated).toBe(true);
    expect(await writes()).toBe(0);
  });

  it('falls back to a guided step for the token field alone where Okta does not take the API', async () => {
    // On the wall's clock: the run streams its output while the test reads it.
    s = await sandbox({ admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const fresh = (await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'rotated', permissions: ['scim'] })).value as string;
    const run = startInProcess(['rotate-token', '--yes', '--wait', '30s'], { env: cleanEnv({ ...s.env, CLOUDFLARE_SCIM_TOKEN: fresh }) });
    const deadline = Date.now() + 20_000;
    while (!run.output().includes('Test API Credentials') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(run.output()).not.toContain(fresh);
    s.okta.setProvisioning(app().id, { ...app().provisioning!, token: fresh });
    const { code } = await run.exit;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toContain('SCIM request');
    expect(out).toContain('Waiting up to 30s for Okta to push with the new token');
    // The hand-over is ticked once it happened: when Okta uses the new token, not when the step is shown (#24 item 6).
    expect(out).toMatch(
      /✓ hand the new token to Okta .*: by an admin, through the guided step: Cloudflare's audit log shows \d+ SCIM requests? by Okta \(its user agent\) made with the new token/,
    );
    expect(out.indexOf('Test API Credentials')).toBeLessThan(out.indexOf('by an admin, through the guided step'));
  });

  it('says what it needs before asking for anything: no CLOUDFLARE_API_TOKEN is exit 2 at once; no --yes off a terminal is exit 2 before any write', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const fresh = (await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'rotated', permissions: ['scim'] })).value as string;
    await resetCounts();
    const noRead = await cli(['rotate-token'], { CLOUDFLARE_SCIM_TOKEN: fresh, CLOUDFLARE_API_TOKEN: undefined }, [fresh]);
    expect(noRead.code).toBe(2);
    expect(noRead.stderr).toContain('needs CLOUDFLARE_API_TOKEN ("Account Settings: Read")');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).total).toBe(0);
    const noYes = await cli(['rotate-token'], { CLOUDFLARE_SCIM_TOKEN: fresh }, [fresh]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('Pass --yes');
    expect(await writes()).toBe(0);
  });
});

describe('teardown', () => {
  it('removes mappings and the app, keeps Cloudflare groups and members by default; a second run finds nothing', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--wait', '20s'])).code).toBe(0);
    await resetCounts();
    const dry = await cli(['destroy', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).actions.map((a: { id: string }) => a.id)).toEqual([
      'push-off:Engineering',
      'push-delete:Engineering',
      'app-deactivate',
      'app-delete',
    ]);
    expect(await writes()).toBe(0);
    expect((await cli(['destroy'], { CI: 'true' })).code).toBe(2);
    const members = s.cloudflare.state.members.size;
    const r = await cli(['destroy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    await provisioned(s!);
    expect(s.okta.state.apps.size).toBe(0);
    expect(userGroup('Engineering')).toBeDefined();
    expect(s.cloudflare.state.members.size).toBe(members);
    await resetCounts();
    const again = await cli(['destroy', '--yes']);
    expect(again.stdout).toContain('Nothing to destroy');
    expect(await writes()).toBe(0);
  });

  it('--delete-cloudflare-groups and --deprovision-users take the groups and the members too', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const r = await cli(['destroy', '--yes', '--delete-cloudflare-groups', '--deprovision-users', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    expect(userGroup('Engineering')).toBeUndefined();
    expect([...s.cloudflare.state.members.values()].map((m) => m.email)).toEqual(['owner@example.com']);
  });

  it('refuses to deprovision the last Super Administrator, writing nothing', async () => {
    const seed = defaultSeed('5a3d9c1e7b2f4a6d8c0e1f2a3b4c5d6e');
    seed.users.push({ login: 'owner@example.com', firstName: 'Account', lastName: 'Owner' });
    seed.groups[0].members.push('owner@example.com');
    s = await sandbox({ clock: new ManualClock(), admin: 'auto', seed });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    await resetCounts();
    const r = await cli(['destroy', '--yes', '--deprovision-users']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('would deactivate every Super Administrator of the Cloudflare account (owner@example.com)');
    expect(await writes()).toBe(0);
  });
});

describe('saved plans, the same for every command that plans', () => {
  const planPath = (name: string) => join(mkdtempSync(join(tmpdir(), 'scim-plan-')), name);

  it('destroy: saved with its flags, refused by another command, by a contradicting flag or once stale; applied as saved without asking', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const file = planPath('teardown.json');
    const dry = await cli(['destroy', '--dry-run', '--delete-cloudflare-groups', '--out', file]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout + dry.stderr).toContain(`apply it with: npx scim-setup destroy --plan ${file}`);
    await resetCounts();
    const wrong = await cli(['okta', '--plan', file]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('this is a plan of `npx scim-setup destroy`, not of `npx scim-setup okta`');
    const contradicted = await cli(['destroy', '--plan', file, '--deprovision-users']);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toContain('deprovisionUsers: plan false, given true (--deprovision-users)');
    expect(await writes()).toBe(0);

    // The world moves on: another group is pushed, so the saved teardown would leave its mapping.
    expect((await cli(['okta', '--push-group', 'Engineering', '--push-group', 'Sales', '--yes', '--wait', '20s', '--no-verify'])).code).toBe(0);
    await resetCounts();
    const stale = await cli(['destroy', '--plan', file]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('is stale');
    expect(stale.stderr).toContain('action push-off:Sales: needed now, not in the plan');
    expect(await writes()).toBe(0);

    expect((await cli(['destroy', '--dry-run', '--delete-cloudflare-groups', '--out', file])).code).toBe(0);
    // Off a terminal and without --yes: the saved plan was the review.
    const applied = await cli(['destroy', '--plan', file, '--wait', '20s'], { CI: 'true' });
    expect(applied.code, applied.stderr).toBe(0);
    expect(s.okta.state.apps.size).toBe(0);
    // The flag rode in the plan: the groups went too.
    expect(userGroup('Engineering')).toBeUndefined();
  });

  it('rotate-token: a saved rotation applies with the token it was made for, and is refused with another', async () => {
    s = await sandbox({ clock: new ManualClock(), connectionApi: 'supported' });
    expect((await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'])).code).toBe(0);
    const fresh = (await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'rotated', permissions: ['scim'] })).value as string;
    const other = (await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'other', permissions: ['scim'] })).value as string;
    const file = planPath('rotation.json');
    expect((await cli(['rotate-token', '--dry-run', '--out', file], { CLOUDFLARE_SCIM_TOKEN: fresh }, [fresh])).code).toBe(0);
    const saved = readFileSync(file, 'utf8');
    expect(saved).not.toContain(fresh);
    expect(JSON.parse(saved)).toMatchObject({ command: 'rotate-token', actions: [{ id: 'token-handover' }, { id: 'token-proof' }] });
    await resetCounts();
    const mismatch = await cli(['rotate-token', '--plan', file], { CLOUDFLARE_SCIM_TOKEN: other }, [fresh, other]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('scimTokenFingerprint: plan');
    expect(await writes()).toBe(0);
    const applied = await cli(['rotate-token', '--plan', file, '--wait', '20s', '--json'], { CLOUDFLARE_SCIM_TOKEN: fresh, CI: 'true' }, [fresh, other]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).applied).toEqual([
      { id: 'token-handover', kind: 'update', result: 'done', summary: expect.stringContaining('hand the new token to Okta'), guided: true },
      { id: 'token-proof', kind: 'update', result: 'done', summary: 'prove Okta uses the new token' },
    ]);
    expect(app().provisioning?.token).toBe(fresh);
  });
});
