import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

/**
 * #23 item 1: the plan shows what is sent. Every request a dry run plans is the request the run
 * then sends, method, path and body (the token, which a plan never carries, aside).
 */
let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

interface Planned {
  method: string;
  path: string;
  body?: unknown;
}

/** Records Okta's writes as they arrive: method, path with query, body. */
function writesTo(box: Sandbox): Array<{ method: string; path: string; body: unknown }> {
  const sent: Array<{ method: string; path: string; body: unknown }> = [];
  box.okta.server.taps.push((e) => {
    if (e.method === 'GET') return;
    const url = new URL(e.url);
    sent.push({ method: e.method, path: url.pathname + url.search, body: e.request.body ? JSON.parse(e.request.body) : undefined });
  });
  return sent;
}

describe('the plan is what is sent', () => {
  it('a push in ERROR repaired by okta gets both requests its plan promises, INACTIVE then ACTIVE, and is pushed afresh (#34 item 1)', async () => {
    s = await sandbox({ clock: new ManualClock(), connectionApi: 'supported' });
    const env = cleanEnv(s.env);
    const args = ['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--json'];
    expect((await runInProcess(args, { on: s, env, secrets: sandboxSecrets(s) })).code).toBe(0);
    const app = [...s.okta.state.apps.values()][0];
    const [mapping] = app.mappings.values();
    mapping.status = 'ERROR';
    mapping.errorSummary = 'a transient failure';
    const sent = writesTo(s);
    const r = await runInProcess([...args, '--no-verify'], { on: s, env, secrets: sandboxSecrets(s) });
    expect(r.code, r.stderr).toBe(0);
    const path = `/api/v1/apps/${app.id}/group-push/mappings/${mapping.id}`;
    expect(sent.filter((x) => x.path === path)).toEqual([
      { method: 'PATCH', path, body: { status: 'INACTIVE' } },
      { method: 'PATCH', path, body: { status: 'ACTIVE' } },
    ]);
    expect(mapping.status).toBe('ACTIVE');
  });

  it('every request of the planned actions reaches Okta as planned', async () => {
    s = await sandbox({ clock: new ManualClock(), connectionApi: 'supported' });
    const env = cleanEnv(s.env);
    const args = ['okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--assign-user', [...s.okta.state.users.values()][0].profile.login];
    const dry = await runInProcess([...args, '--dry-run', '--json'], { on: s, env, secrets: sandboxSecrets(s) });
    expect(dry.code, dry.stderr).toBe(0);
    const actions = JSON.parse(dry.stdout).actions as Array<{ id: string; request?: Planned; followUps?: Planned[] }>;
    const planned = actions.flatMap((a) => [a.request, ...(a.followUps ?? [])].filter((r): r is Planned => Boolean(r)).map((r) => ({ id: a.id, ...r })));
    expect(planned.length).toBeGreaterThanOrEqual(5);

    const sent = writesTo(s);
    const applied = await runInProcess([...args, '--yes', '--no-verify', '--json'], { on: s, env, secrets: sandboxSecrets(s) });
    expect(applied.code, applied.stderr).toBe(0);
    const appId = [...s.okta.state.apps.keys()][0];
    // The token is the one thing a plan shows redacted: compare everything else.
    const withoutToken = (body: unknown) => JSON.parse(JSON.stringify(body ?? null).replace(/"token":"[^"]*"/g, '"token":"[redacted]"'));
    for (const p of planned) {
      const path = p.path.replace('{appId}', appId);
      const match = sent.find(
        (x) => x.method === p.method && x.path === path && JSON.stringify(withoutToken(x.body)) === JSON.stringify(withoutToken(p.body ?? null)),
      );
      expect(
        match,
        `${p.id}: ${p.method} ${path} ${JSON.stringify(p.body)} was planned; sent: ${JSON.stringify(sent.map((x) => `${x.method} ${x.path}`))}`,
      ).toBeDefined();
    }
  });
});
