import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

// What a person is shown is what a person can do: the sandbox's admin (`admin: 'auto'`) acts only on what a run prints
// and on what a person holds (the tokens they set, the files they can open). A token scim-setup made and showed nowhere
// cannot be pasted by anyone, so the run says how to get it, and the tests prove each way.

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const made = (box: Sandbox) => [...box.cloudflare.state.tokens.values()].filter((t) => t.status === 'active' && t.name.startsWith('scim-setup: '));
const app = (box: Sandbox) => [...box.okta.state.apps.values()][0];
const ZERO_TOUCH = ['okta', '--push-group', 'Engineering', '--yes', '--wait', '3s'];

async function run(box: Sandbox, args: string[], extra: { env?: Record<string, string | undefined>; isTTY?: boolean } = {}) {
  const r = await runInProcess(args, {
    on: s,
    env: cleanEnv({ ...box.env, CLOUDFLARE_SCIM_TOKEN: undefined, ...extra.env }),
    secrets: sandboxSecrets(box),
    isTTY: extra.isTTY,
    columns: extra.isTTY ? 120 : undefined,
  });
  return r;
}

describe('the guided step with a token scim-setup made', () => {
  it('shown nowhere, it cannot be done: the step says so and how to get the token; the person pastes nothing; exit 3', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const r = await run(s, [...ZERO_TOUCH, '--json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this field cannot be filled in as shown: re-run on a terminal with --reveal-token, or in CI with --token-out FILE');
    const [token] = made(s);
    expect(r.stdout + r.stderr).not.toContain(token.value);
    // The machine reader gets the same: a masked value, no file.
    const step = JSON.parse(r.stdout).manualSteps.find((m: { id: string }) => m.id === 'provisioning');
    expect(step.values['OAuth Bearer Token']).toMatch(/^.{4}\*+.{4}$/);
    expect(step.values).not.toHaveProperty('OAuth Bearer Token file');
    expect(s.admin?.couldNot.join('\n')).toContain(`app ${app(s).id}`);
    expect(app(s).provisioning).toBeNull();
  }, 30_000);

  it('--token-out FILE: the token in a file of mode 600, the step names the file, the person pastes from it; verified, and the value printed nowhere', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const file = join(mkdtempSync(join(tmpdir(), 'token-out-')), 'scim-token');
    const r = await run(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--token-out', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [token] = made(s);
    expect(readFileSync(file, 'utf8').trim()).toBe(token.value);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stderr).toContain(`OAuth Bearer Token: the contents of the file\n     ${file}`);
    expect(r.stdout + r.stderr).not.toContain(token.value);
    expect(app(s).provisioning?.token).toBe(token.value);
  }, 40_000);

  it('--reveal-token off a terminal, or in CI, is exit 2 before anything is read', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    const piped = await run(s, [...ZERO_TOUCH, '--reveal-token']);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain("--reveal-token prints the SCIM token, and this run's output is not a terminal");
    expect(piped.stderr).toContain('use --token-out FILE');
    const ci = await run(s, [...ZERO_TOUCH, '--reveal-token'], { isTTY: true, env: { CI: 'true' } });
    expect(ci.code).toBe(2);
    expect(ci.stderr).toContain('goes to a CI log');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).total).toBe(0);
  });

  it('a given token is pasted by the person who set its variable: masked on the screen, matched against what they hold', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const r = await run(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { env: { CLOUDFLARE_SCIM_TOKEN: s.env.CLOUDFLARE_SCIM_TOKEN } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(the value of CLOUDFLARE_SCIM_TOKEN: paste it from where you keep it)');
    expect(app(s).provisioning?.token).toBe(s.env.CLOUDFLARE_SCIM_TOKEN);
  }, 40_000);

  it('in a fleet, --token-out writes each account its own file (<file>.<account>), and each account is verified', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto', accounts: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'token-out-'));
    const config = join(dir, 'fleet.json');
    const [one, two] = s.accounts;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      config,
      JSON.stringify({
        okta: { orgUrl: s.env.OKTA_ORG_URL },
        cloudflare: { apiBaseUrl: s.env.CLOUDFLARE_API_BASE_URL },
        pushGroups: ['Engineering'],
        accounts: [
          { name: 'one', accountId: one.accountId, apiTokenEnv: 'CF_ONE' },
          { name: 'two', accountId: two.accountId, apiTokenEnv: 'CF_TWO' },
        ],
      }),
    );
    const file = join(dir, 'scim-token');
    const r = await run(s, ['okta', '--config', config, '--yes', '--wait', '20s', '--token-out', file], {
      env: { CF_ONE: one.env.CLOUDFLARE_API_TOKEN, CF_TWO: two.env.CLOUDFLARE_API_TOKEN, CLOUDFLARE_API_TOKEN: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    for (const [name, account] of [
      ['one', one],
      ['two', two],
    ] as const) {
      const value = readFileSync(`${file}.${name}`, 'utf8').trim();
      const state = s.cloudflare.accounts.find((a) => a.accountId === account.accountId)?.state;
      expect([...(state?.tokens.values() ?? [])].some((t) => t.value === value && t.status === 'active')).toBe(true);
    }
  }, 60_000);
});

describe('a rotation rehearsed in the default sandbox (#34 item 26)', () => {
  it('a new token given: the person pastes it as the step shows, Okta is seen using it, and the last step names the old token to revoke', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const given = { CLOUDFLARE_SCIM_TOKEN: s.env.CLOUDFLARE_SCIM_TOKEN };
    expect((await run(s, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s'], { env: given })).code).toBe(0);
    const old = s.cloudflare.scimToken;
    const fresh = await control(s.cloudflare.url, 'POST', '/__sandbox/tokens', { name: 'rotated', permissions: ['scim'] });
    // The person set the new token's variable: they hold its value, which the step masks.
    s.admin?.holds(fresh.value);
    const r = await run(s, ['rotate-token', '--yes', '--wait', '20s'], { env: { CLOUDFLARE_SCIM_TOKEN: fresh.value } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(app(s).provisioning?.token).toBe(fresh.value);
    expect(r.stdout + r.stderr).toContain(`Revoke the old token ${old.id} in Cloudflare`);
    expect(r.stdout + r.stderr).not.toContain(fresh.value);
  }, 60_000);
});
