import { afterEach, describe, expect, it } from 'vitest';
import { generatedSeed } from '../../src/sandbox/okta/seed.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

/**
 * Okta e-mails the org's admins when a bucket passes its warning threshold (60 % by default) and
 * writes `system.org.rate_limit.warning`. A run paced to its default share (50 %) of each bucket,
 * others' use included, sets off none, however large; at 100 % the same run does. The windows are
 * shortened (rate-limit scale 20: Okta's 100 a minute as 100 in 3 s) so that a run of several
 * windows takes seconds; the limits and the threshold are Okta's.
 */
let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const GROUPS = Array.from({ length: 85 }, (_, i) => `Team ${String(i + 1).padStart(4, '0')}`);
const rateEvents = (box: Sandbox) => box.okta.state.logs.filter((e) => e.eventType.startsWith('system.org.rate_limit.')).map((e) => e.eventType);

async function assignAll(share?: string) {
  s = await sandbox({ clock: new ManualClock(), admin: 'auto', seed: generatedSeed(170, 85), rateLimitScale: 20 });
  const r = await runInProcess(
    ['okta', ...GROUPS.flatMap((g) => ['--assign-group', g]), '--yes', '--wait', '60s', '--no-verify', ...(share ? ['--okta-rate-share', share] : [])],
    { on: s, env: cleanEnv(s.env), secrets: sandboxSecrets(s) },
  );
  expect(r.code, r.stderr).toBe(0);
  const app = [...s.okta.state.apps.values()][0];
  expect(app.groups.size).toBe(85);
  return { r, events: rateEvents(s) };
}

describe("politeness: a run never makes Okta warn the org's admins", () => {
  it('assigning 85 groups to a fresh app at the default share writes no system.org.rate_limit event', async () => {
    const { events } = await assignAll();
    expect(events).toEqual([]);
  });

  it('the same run at 100 % of each bucket does: the pacing, not luck, is what keeps it quiet', async () => {
    const { events } = await assignAll('100%');
    expect(events).toContain('system.org.rate_limit.warning');
  });

  it('the plan says how long the share makes a large run take', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto', seed: generatedSeed(170, 85), rateLimitScale: 20 });
    const r = await runInProcess(['okta', ...GROUPS.flatMap((g) => ['--assign-group', g]), '--dry-run'], {
      on: s,
      env: cleanEnv({ ...s.env, NO_COLOR: '1' }),
      secrets: sandboxSecrets(s),
    });
    expect(r.code, r.stderr).toBe(0);
    // 85 assignments and the app's own requests to /api/v1/apps, 50 a window at 50 % of 100.
    expect(r.stdout).toMatch(
      /Pacing: \d+ requests to Okta's \/api\/v1\/apps \(100 a minute at this org\), at 50% of each limit \(--okta-rate-share\), take about [2-9] minutes\. At 100% it would take about [1-2],/,
    );
  });

  it('refuses a share that is none, with exit 2 and nothing sent', async () => {
    s = await sandbox({ clock: new ManualClock() });
    for (const share of ['0%', '150%', 'half']) {
      const r = await runInProcess(['okta', '--assign-group', 'Sales', '--dry-run', '--okta-rate-share', share], {
        on: s,
        env: cleanEnv(s.env),
        secrets: sandboxSecrets(s),
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`"${share}" is not a share of Okta's rate limits`);
    }
  });
});
