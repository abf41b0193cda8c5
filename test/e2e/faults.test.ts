import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/sandbox/http/faults.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { endState } from '../helpers/end-state.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const ARGS = ['okta', '--assign-group', 'Sales', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--max-wait', '5s'];

/** Every request `okta` and its verification make, by step. */
const OKTA_STEPS: Array<[string, string]> = [
  ['GET', '^/api/v1/apps\\?'],
  ['POST', '^/api/v1/apps\\?'],
  ['GET', '^/api/v1/groups\\?'],
  ['POST', '/connections/default'],
  ['GET', '^/api/v1/apps/[^/?]+$'],
  ['PUT', '/groups/'],
  ['POST', '/group-push/mappings'],
  ['GET', '/users'],
  ['GET', '/group-push/mappings'],
  ['GET', '^/api/v1/logs'],
];
const CLOUDFLARE_STEPS: Array<[string, string]> = [
  ['GET', '/scim/v2/ServiceProviderConfig'],
  ['GET', '/scim/v2/Users\\?'],
  ['GET', '/scim/v2/Groups'],
  ['GET', '/members\\?'],
  ['GET', '/iam/user_groups'],
  ['GET', '/logs/audit'],
];

const KINDS: Record<string, (method: string, path: string) => FaultRule[]> = {
  // With a Retry-After in seconds, as both services send one: Okta's engine waits it (then twice as long), else 5 minutes.
  // 0 seconds, so that the storm costs the suite no waiting (the 429 rule's waits have their own tests).
  '429 storm': (method, path) => [{ method, path, status: 429, times: 3, headers: { 'retry-after': '0' } }],
  '500/502/503 burst': (method, path) => [500, 502, 503].map((status) => ({ method, path, status, times: 1 })),
  'connection resets': (method, path) => [{ method, path, reset: true, times: 2 }],
  latency: (method, path) => [{ method, path, delayMs: 250, times: 3 }],
};

async function faultedRun(rules: { okta: FaultRule[]; cloudflare: FaultRule[] }) {
  s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
  await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: rules.okta });
  await control(s.cloudflare.url, 'POST', '/__sandbox/faults', { rules: rules.cloudflare });
  const env = cleanEnv(s.env);
  const first = await runInProcess(ARGS, { on: s, env, secrets: sandboxSecrets(s) });
  await control(s.okta.url, 'DELETE', '/__sandbox/faults');
  await control(s.cloudflare.url, 'DELETE', '/__sandbox/faults');
  const again = await runInProcess(ARGS, { on: s, env, secrets: sandboxSecrets(s) });
  return { first, again, state: endState(s) };
}

describe('the fault matrix: every step of okta and verify under each fault', () => {
  it.each(Object.keys(KINDS))('%s on every step: the run converges (or fails clearly), the re-run converges, nothing is duplicated', async (kind) => {
    const rules = { okta: OKTA_STEPS.flatMap(([m, p]) => KINDS[kind](m, p)), cloudflare: CLOUDFLARE_STEPS.flatMap(([m, p]) => KINDS[kind](m, p)) };
    const { first, again, state } = await faultedRun(rules);
    expect([0, 1, 3], `first run: ${first.stderr}`).toContain(first.code);
    // A run that does not converge says why: an error line, or the checks that did not pass.
    if (first.code !== 0) expect(first.stderr + first.stdout).toMatch(/error: (Okta|Cloudflare|Cannot reach)|\n\s+(FAIL|PENDING)\s/);
    expect(again.code, again.stderr).toBe(0);
    expect(state.apps).toHaveLength(1);
    expect(state.apps[0].groups).toEqual(['Engineering', 'Sales']);
    expect(state.apps[0].mappings).toEqual(['Engineering→Engineering:ACTIVE']);
    expect(state.userGroups).toEqual(['Engineering:24']);
  });

  it.each(OKTA_STEPS.filter(([m]) => m !== 'GET'))('an ambiguous %s %s (it takes effect, the answer is lost): no duplicate', async (method, path) => {
    const { first, again, state } = await faultedRun({ okta: [{ method, path, afterHandler: true, reset: true, times: 1 }], cloudflare: [] });
    expect([0, 1], first.stderr).toContain(first.code);
    expect(again.code, again.stderr).toBe(0);
    expect(state.apps).toHaveLength(1);
    expect(state.apps[0].mappings).toEqual(['Engineering→Engineering:ACTIVE']);
  });
});
