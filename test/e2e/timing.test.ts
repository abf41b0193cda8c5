import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import type { SandboxTiming } from '../../src/sandbox/timing.js';
import { cleanEnv, runInProcess, type CheckDoc } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

/**
 * Verification under real services' timing (#22): for each of the sandbox's timing options, a
 * healthy setup is pending while Okta's work is in flight, then passes, and never fails on the way.
 * Provisioning is slowed so that the first look lands mid-flight.
 */
// The run's and the sandbox's one clock: lags, stamps and skews are times on it, and every wait is taken on it (lib/clock.ts).
let s: (Sandbox & { clock?: ManualClock }) | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const run = (command: string, args: string[]) =>
  runInProcess([command, '--json', ...args], { env: cleanEnv(s!.env), secrets: sandboxSecrets(s!), on: s }).then((r) => ({ ...r, doc: JSON.parse(r.stdout) }));

const onClock = (options: Parameters<typeof sandbox>[0]) => sandbox({ ...options, clock: new ManualClock() });

const statuses = (checks: CheckDoc[]) => checks.map((c) => `${c.id}=${c.status}`);

describe('verification under real timing never cries wolf (#22)', () => {
  it.each<[string, SandboxTiming]>([
    ['Cloudflare listings trail writes by 3 s', { cloudflareListingLagMs: 3_000 }],
    ['Okta stamps its work 4 s before its SCIM request', { oktaStampOffsetMs: -4_000 }],
    ['Okta stamps its work 2 s after its SCIM request', { oktaStampOffsetMs: 2_000 }],
    ["Okta's clock runs 90 s ahead", { oktaClockSkewMs: 90_000 }],
    ["Okta's clock runs 90 s behind", { oktaClockSkewMs: -90_000 }],
    ["Cloudflare's clock runs 45 s behind", { cloudflareClockSkewMs: -45_000 }],
    ['every answer jittered by up to 150 ms', { jitterMs: 150, jitterSeed: 7 }],
    ['all of it at once', { cloudflareListingLagMs: 2_000, oktaStampOffsetMs: -3_000, oktaClockSkewMs: 30_000, cloudflareClockSkewMs: -20_000, jitterMs: 100 }],
  ])('%s: pending while in flight, then pass; never fail', async (_, timing) => {
    // Provisioning held back until the first look has been taken, however loaded the machine is.
    s = await onClock({ admin: 'auto', provisioningDelayMs: 600_000, timing });
    const applied = await run('okta', ['--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--no-verify', '--wait', '60s']);
    expect(applied.code, applied.stderr).toBe(0);
    // One look while Okta is still at work: pending, not failed.
    const first = await run('verify', []);
    expect(first.code, statuses(first.doc.checks).join('\n')).toBe(3);
    expect(first.doc.checks.filter((c: CheckDoc) => c.status === 'fail')).toEqual([]);
    // Okta's engine goes to work; later passes, by polling, while it runs under the timing.
    s.okta.engine.flush();
    const later = await run('verify', ['--wait', '60s']);
    expect(later.code, statuses(later.doc.checks).join('\n')).toBe(0);
    // okta's own verification, on the same world, agrees.
    const again = await run('okta', ['--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--wait', '60s']);
    expect(again.code, again.stderr).toBe(0);
  });

  it("Cloudflare's clock 45 s behind ours: the audit log still shows Okta's requests since the run began (its since is moved onto Cloudflare's clock)", async () => {
    s = await onClock({ admin: 'auto', timing: { cloudflareClockSkewMs: -45_000 } });
    const r = await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc.verification.checks.find((c: CheckDoc) => c.id === 'cloudflare-audit')).toMatchObject({ status: 'pass' });
  });

  it("Okta's clock 90 s behind ours: a failure in its System Log since the run began is still found (never a false pass)", async () => {
    s = await onClock({ admin: 'auto', timing: { oktaClockSkewMs: -90_000 } });
    expect((await run('okta', ['--push-group', 'Engineering', '--yes', '--wait', '60s'])).code).toBe(0);
    await fetch(`${s.cloudflare.url}/__sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: s.env.CLOUDFLARE_SCIM_TOKEN }),
    });
    // A change Okta must push, with the token now refused: Okta logs an authentication failure.
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    const member = [...s.okta.state.users.values()].find((u) => !s!.okta.state.members.get(engineering.id)!.has(u.id))!;
    s.okta.state.members.get(engineering.id)!.add(member.id);
    s.okta.engine.schedule();
    await s.clock!.runUntil(s.okta.engine.idle(), s.busy);
    // 30 s on our clock: the failure, stamped 90 s behind, would fall outside it on Okta's own clock.
    const r = await run('verify', ['--since', '30s']);
    expect(r.doc.checks.find((c: CheckDoc) => c.id === 'okta-log')).toMatchObject({ status: 'fail' });
  });
});
