import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { ManualClock } from '../helpers/clock.js';
import { sandbox } from '../helpers/sandbox.js';

// One clock for the run and the in-process sandbox (lib/clock.ts): a wait of the world's (an admin's
// hour, Okta's provisioning, a rate-limit window) is taken on it, not slept through.

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const MINUTE = 60_000;

describe("waits on the run's clock", () => {
  it('an admin who takes 45 minutes over the guided step, and Okta a minute a push: okta waits them out on the clock and ends verified', async () => {
    const clock = new ManualClock();
    s = await sandbox({ clock, admin: 'auto', adminDelayMs: 45 * MINUTE, provisioningDelayMs: MINUTE });
    const start = clock.now();
    const run = runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--json', '--wait', '2h'], { env: cleanEnv(s.env), on: s });
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.verification.checks.filter((c: { status: string }) => c.status === 'fail' || c.status === 'pending')).toEqual([]);
    // The run's time is the clock's: the admin's 45 minutes passed on it, and the run waited no longer than it allows.
    expect(clock.now() - start).toBeGreaterThanOrEqual(45 * MINUTE);
    expect(clock.now() - start).toBeLessThan(2 * 60 * MINUTE);
    // What Okta recorded is stamped on the same clock: its provisioning came after the admin's step.
    const pushed = s.okta.state.logs.filter((e) => e.eventType === 'application.provision.group_push.push_memberships');
    expect(pushed.length).toBeGreaterThan(0);
    expect(Math.min(...pushed.map((e) => Date.parse(e.published)))).toBeGreaterThanOrEqual(start + 45 * MINUTE);
  });

  it('a verify that waits: pending until Okta provisions (ten minutes on the clock), then pass; with one look it says pending at once (exit 3)', async () => {
    const clock = new ManualClock();
    s = await sandbox({ clock, admin: 'auto', provisioningDelayMs: 10 * MINUTE });
    const env = cleanEnv(s.env);
    const setUp = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--no-verify'], { env, on: s });
    expect(setUp.code, setUp.stderr).toBe(0);
    const oneLook = await runInProcess(['verify', '--push-group', 'Engineering', '--json'], { env, on: s });
    expect(oneLook.code).toBe(3);
    const started = clock.now();
    const waited = await runInProcess(['verify', '--push-group', 'Engineering', '--json', '--wait', '1h'], { env, on: s });
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout).rounds).toBeGreaterThan(1);
    expect(clock.now() - started).toBeLessThan(60 * MINUTE);
  });
});
