import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';

/**
 * Golden output: every human face as a user sees it, in files under __snapshots__, so that a
 * change to what the tool prints shows in review as a diff. Ports, ids, times and random tokens
 * are normalised; everything else is exact. Update with `npx vitest run test/golden -u`.
 */
const golden = (name: string) => new URL(`./__snapshots__/${name}.txt`, import.meta.url).pathname;

function normalise(text: string, s?: Sandbox): string {
  let out = text;
  if (s) out = out.split(s.okta.url).join('http://127.0.0.1:OKTA').split(s.cloudflare.url).join('http://127.0.0.1:CLOUDFLARE');
  return out
    .replace(/\b(0oa|00g|00u|gPm)[A-Za-z0-9]{17}\b/g, '$1<id>')
    .replace(/\b(?!5a3d9c1e7b2f4a6d8c0e1f2a3b4c5d6e)[0-9a-f]{32}\b/g, '<hex-id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/\(\d+ rounds?, [\d.]+s\)/g, '(<rounds>, <t>)')
    .replace(/cfat\*+[\w-]{4}/g, 'cfat<masked>')
    .replace(/\b\d+ SCIM requests?\b/g, 'N SCIM requests')
    .replace(/latest at <time>/g, 'latest at <time>');
}

let s: Sandbox;
let manual: Sandbox;
const run = (box: Sandbox, args: string[], extra: Record<string, string | undefined> = {}) =>
  runInProcess(args, { env: cleanEnv({ ...box.env, ...extra }) as Record<string, string>, secrets: sandboxSecrets(box) });

beforeAll(async () => {
  [s, manual] = await Promise.all([sandbox({ admin: 'auto' }), sandbox({ admin: 'manual' })]);
});
afterAll(() => Promise.all([s?.close(), manual?.close()]));

describe('--help of each command, at 80 and 160 columns', () => {
  for (const command of ['', 'okta', 'verify', 'destroy', 'migrate', 'rotate-token', 'report', 'sandbox', 'demo']) {
    for (const columns of [80, 160]) {
      it(`${command || 'scim-setup'} --help at ${columns}`, async () => {
        const r = await runInProcess([...(command ? [command] : []), '--help'], { env: cleanEnv() as Record<string, string>, columns });
        expect(r.code).toBe(0);
        await expect(r.stdout).toMatchFileSnapshot(golden(`help-${command || 'root'}-${columns}`));
      });
    }
  }
});

describe('the faces of a run, without and with colour', () => {
  for (const [face, colour] of [
    ['plain', { NO_COLOR: '1' }],
    ['colour', { FORCE_COLOR: '1' }],
  ] as const) {
    it(`the plan (${face})`, async () => {
      const r = await run(s, ['okta', '--push-group', 'Engineering', '--push-group', 'Contractors', '--assign-group', 'Sales', '--dry-run'], colour);
      expect(r.code).toBe(0);
      await expect(normalise(r.stdout + r.stderr, s)).toMatchFileSnapshot(golden(`plan-${face}`));
    });

    it(`the guided step, waiting, then exit 3 (${face})`, async () => {
      const r = await run(manual, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '1s', '--no-verify'], colour);
      expect(r.code).toBe(3);
      await expect(normalise(r.stdout + r.stderr, manual)).toMatchFileSnapshot(golden(`guided-step-${face}`));
    });

    it(`an input error (${face})`, async () => {
      const r = await run(s, ['okta', '--push-group', 'Enginering', '--assign-user', 'nobody@example.com', '--dry-run'], colour);
      expect(r.code).toBe(2);
      await expect(normalise(r.stdout + r.stderr, s)).toMatchFileSnapshot(golden(`input-error-${face}`));
    });
  }

  it('the verification table, after a setup (plain and colour)', async () => {
    expect((await run(s, ['okta', '--push-group', 'Engineering', '--role', 'Engineering=Billing', '--yes', '--wait', '20s', '--no-verify'])).code).toBe(0);
    await s.okta.engine.idle();
    for (const [face, colour] of [
      ['plain', { NO_COLOR: '1' }],
      ['colour', { FORCE_COLOR: '1' }],
    ] as const) {
      const r = await run(s, ['verify', '--push-group', 'Engineering', '--role', 'Engineering=Billing', '--wait', '20s'], colour);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      await expect(normalise(r.stdout + r.stderr, s)).toMatchFileSnapshot(golden(`verify-${face}`));
    }
  });

  it('the access report: the owner outside Okta, then one line once they are expected (plain)', async () => {
    const full = await run(s, ['report'], { NO_COLOR: '1' });
    expect(full.code, full.stderr).toBe(0);
    const quiet = await run(s, ['report', '--expect-outside', 'owner@example.com'], { NO_COLOR: '1' });
    expect(quiet.code, quiet.stderr).toBe(0);
    await expect(normalise(`${full.stdout}${full.stderr}\n---\n${quiet.stdout}${quiet.stderr}`, s).replace(/\d{4}-\d{2}-\d{2}/g, '<date>')).toMatchFileSnapshot(
      golden('report-plain'),
    );
  });

  // On a terminal of that width (CI set, so no spinner and no prompt): long lines fold, URLs stay whole.
  for (const columns of [80, 160]) {
    it(`the plan and the guided step on a ${columns}-column terminal`, async () => {
      const env = (box: Sandbox) => cleanEnv({ ...box.env, CI: 'true', NO_COLOR: '1' }) as Record<string, string>;
      const plan = await runInProcess(['okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--dry-run'], { env: env(s), columns, isTTY: true });
      await expect(normalise(plan.stdout + plan.stderr, s)).toMatchFileSnapshot(golden(`plan-${columns}`));
      const guided = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '1s', '--no-verify'], {
        env: env(manual),
        columns,
        isTTY: true,
      });
      expect(guided.code).toBe(3);
      await expect(normalise(guided.stdout + guided.stderr, manual)).toMatchFileSnapshot(golden(`guided-step-${columns}`));
    });
  }

  it('drift: the failed checks, and the plan that repairs it (plain)', async () => {
    const box = await sandbox({ admin: 'auto' });
    try {
      const inputs = ['--push-group', 'Engineering', '--assign-user', 'dennis.turing.46@example.com'];
      expect((await run(box, ['okta', ...inputs, '--yes', '--wait', '20s', '--no-verify'])).code).toBe(0);
      await box.okta.engine.idle();
      // Behind Okta's back: the pushed group renamed, the direct user deactivated, over SCIM.
      const patch = (path: string, operation: object) =>
        fetch(`${box.scimBaseUrl}${path}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${box.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [operation] }),
        });
      const group = [...box.cloudflare.state.userGroups.values()].find((g) => g.name === 'Engineering')!;
      const user = [...box.cloudflare.state.scimUsers.values()].find((u) => u.userName === 'dennis.turing.46@example.com')!;
      await patch(`/Groups/${group.id}`, { op: 'replace', path: 'displayName', value: 'Engineering (old)' });
      await patch(`/Users/${user.id}`, { op: 'replace', path: 'active', value: false });
      // Okta's stamps age past the second its Date headers are read to (docs/drift.md).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      // No settle time (the sandbox's listings do not trail): verify reads until Okta's stamps are
      // older than the reading by the Date headers' second, when the drift is proven.
      const verify = await run(box, ['verify', '--push-group', 'Engineering', '--settle', '0s', '--wait', '30s'], { NO_COLOR: '1' });
      expect(verify.code).toBe(1);
      const plan = await run(box, ['okta', ...inputs, '--dry-run', '--settle', '0s'], { NO_COLOR: '1' });
      expect(plan.code).toBe(0);
      await expect(normalise(`${verify.stdout}${verify.stderr}\n---\n${plan.stdout}${plan.stderr}`, box)).toMatchFileSnapshot(golden('drift-plain'));
    } finally {
      await box.close();
    }
  });

  it('verification pending: what each check waits for (plain)', async () => {
    // Provisioning held back: everything asked of Okta is in flight, nothing is drift.
    const box = await sandbox({ admin: 'auto', provisioningDelayMs: 600_000 });
    try {
      expect((await run(box, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--no-verify'])).code).toBe(0);
      const r = await run(box, ['verify', '--push-group', 'Engineering'], { NO_COLOR: '1' });
      expect(r.code).toBe(3);
      await expect(normalise(r.stdout + r.stderr, box)).toMatchFileSnapshot(golden('verify-pending-plain'));
    } finally {
      await box.close();
    }
  });

  it('the token rotation plan (plain)', async () => {
    const box = await sandbox({ admin: 'auto' });
    try {
      expect((await run(box, ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--no-verify'])).code).toBe(0);
      const fresh = box.cloudflare.state.addToken('rotated', ['scim']).value;
      const r = await runInProcess(['rotate-token', '--dry-run'], {
        env: cleanEnv({ ...box.env, CLOUDFLARE_SCIM_TOKEN: fresh, NO_COLOR: '1' }) as Record<string, string>,
        secrets: [...sandboxSecrets(box), fresh],
      });
      expect(r.code).toBe(0);
      await expect(normalise(r.stdout + r.stderr, box)).toMatchFileSnapshot(golden('rotate-token-plan-plain'));
    } finally {
      await box.close();
    }
  });

  it("a fleet dry run: each account's plan, the total, one account refused, the table (plain)", async () => {
    const box = await sandbox({ accounts: 2 });
    try {
      const [a, b] = box.accounts;
      const dir = mkdtempSync(join(tmpdir(), 'fleet-golden-'));
      const config = join(dir, 'fleet.yaml');
      writeFileSync(
        config,
        `pushGroups: [Engineering]\naccounts:\n  - { name: prod, accountId: ${a.accountId}, apiTokenEnv: CF_API_PROD }\n  - { name: staging, accountId: ${b.accountId}, scimTokenEnv: CF_SCIM_STAGING }\n`,
      );
      const r = await runInProcess(['okta', '--config', config, '--dry-run'], {
        env: cleanEnv({
          ...box.env,
          CLOUDFLARE_SCIM_TOKEN: undefined,
          CLOUDFLARE_ACCOUNT_ID: undefined,
          CF_API_PROD: a.env.CLOUDFLARE_API_TOKEN,
          // The mistake the table shows: prod's SCIM token named for staging.
          CF_SCIM_STAGING: a.env.CLOUDFLARE_SCIM_TOKEN,
          NO_COLOR: '1',
        }) as Record<string, string>,
        secrets: [...sandboxSecrets(box), a.env.CLOUDFLARE_API_TOKEN],
      });
      expect(r.code).toBe(4);
      // The accounts are read at once: their progress lines come in the order they finish, so they are left out.
      const settled = (r.stdout + r.stderr).replace(/^\[\w+\] [✓✗] .*\n/gm, '');
      await expect(normalise(settled.split(config).join('fleet.yaml'), box)).toMatchFileSnapshot(golden('fleet-dry-run-plain'));
    } finally {
      await box.close();
    }
  });

  it('missing inputs off a terminal', async () => {
    const r = await runInProcess(['okta'], { env: cleanEnv({ CI: 'true' }) as Record<string, string> });
    expect(r.code).toBe(2);
    await expect(r.stderr).toMatchFileSnapshot(golden('missing-inputs'));
  });
});
