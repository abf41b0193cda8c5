import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, runInProcess } from '../helpers/cli.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';

/** A host a hostile plan points at: it records every request that reaches it, and answers nothing useful. */
async function listener(): Promise<{ url: string; seen: Array<{ method: string; url: string; authorization?: string }>; server: Server }> {
  const seen: Array<{ method: string; url: string; authorization?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let s: Sandbox | undefined;
let trap: Server | undefined;
afterEach(async () => {
  await s?.close();
  trap?.close();
  s = undefined;
});

const okta = (sb: Sandbox, args: string[], env: Record<string, string | undefined> = {}) =>
  runInProcess(['okta', ...args], { env: cleanEnv({ ...sb.env, ...env }), secrets: sandboxSecrets(sb) });

describe('a saved plan never chooses where credentials go (#20)', () => {
  it('refuses an edited Cloudflare or Okta target before any request, naming both; nothing reaches the edited host', async () => {
    s = await sandbox({ admin: 'auto' });
    const t = await listener();
    trap = t.server;
    const dir = mkdtempSync(join(tmpdir(), 'scim-plan-targets-'));
    const file = join(dir, 'plan.json');
    expect((await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', file])).code).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    await control(s.cloudflare.url, 'DELETE', '/__sandbox/requests');

    // The Cloudflare base edited to another host.
    const cfEdited = join(dir, 'cf-edited.json');
    const hostileBase = `${t.url}/client/v4/accounts/${plan.accountId}/scim/v2`;
    writeFileSync(cfEdited, JSON.stringify({ ...plan, desired: { ...plan.desired, scimBaseUrl: hostileBase } }));
    for (const env of [{}, { CLOUDFLARE_API_BASE_URL: undefined }]) {
      const r = await okta(s, ['--plan', cfEdited, '--yes'], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('was made for another destination');
      expect(r.stderr).toContain(`the plan names ${hostileBase}`);
      expect(r.stderr).toContain('this run connects to');
      expect(r.stderr).toContain('never decides where your tokens go');
    }

    // The Okta org edited, with no OKTA_ORG_URL on the applying run: the plan does not fill it in.
    const oktaEdited = join(dir, 'okta-edited.json');
    writeFileSync(oktaEdited, JSON.stringify({ ...plan, orgUrl: t.url }));
    const noOrg = await okta(s, ['--plan', oktaEdited, '--yes'], { OKTA_ORG_URL: undefined });
    expect(noOrg.code).toBe(2);
    expect(noOrg.stderr).toContain('Okta org URL');
    expect(noOrg.stderr).toContain(`the saved plan was made for ${t.url}, but a plan never chooses where your Okta token goes`);
    // With the run's own org set, the edited one is refused by name.
    const otherOrg = await okta(s, ['--plan', oktaEdited, '--yes']);
    expect(otherOrg.code).toBe(2);
    expect(otherOrg.stderr).toContain(`Okta org: the plan names ${t.url}; this run connects to ${s.okta.url}`);

    expect(t.seen).toEqual([]);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).total).toBe(0);
    expect((await control(s.cloudflare.url, 'GET', '/__sandbox/requests')).total).toBe(0);
  });

  it('shows the file digest and targets when applying, and --plan-sha256 pins the reviewed file', async () => {
    s = await sandbox({ admin: 'auto' });
    const dir = mkdtempSync(join(tmpdir(), 'scim-plan-pin-'));
    const file = join(dir, 'plan.json');
    expect((await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', file])).code).toBe(0);
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');

    const wrongPin = await okta(s, ['--plan', file, '--plan-sha256', 'a'.repeat(64)]);
    expect(wrongPin.code).toBe(2);
    expect(wrongPin.stderr).toContain(`the file's SHA-256 is ${digest}`);
    const notDigest = await okta(s, ['--plan', file, '--plan-sha256', 'abc']);
    expect(notDigest.code).toBe(2);
    expect(notDigest.stderr).toContain('is not a SHA-256 digest');
    const pinWithoutPlan = await okta(s, ['--dry-run', '--plan-sha256', digest]);
    expect(pinWithoutPlan.code).toBe(2);
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);

    const applied = await okta(s, ['--plan', file, '--plan-sha256', digest, '--wait', '20s']);
    expect(applied.code, applied.stderr).toBe(0);
    const out = applied.stdout + applied.stderr;
    expect(out).toContain(`Applying saved plan ${file} (sha256 ${digest})`);
    expect(out).toContain(`Okta org:   ${s.okta.url}`);
    expect(out).toContain(`Cloudflare: ${s.env.CLOUDFLARE_API_BASE_URL}/accounts/`);
    expect(out).toContain('Pinned by --plan-sha256');
  });

  it('an edited action is refused with no write: the plan is held to the plan made afresh from the same inputs', async () => {
    s = await sandbox({ admin: 'auto' });
    const t = await listener();
    trap = t.server;
    const dir = mkdtempSync(join(tmpdir(), 'scim-plan-actions-'));
    const file = join(dir, 'plan.json');
    expect((await okta(s, ['--assign-group', 'Sales', '--dry-run', '--out', file])).code).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    // A request steered elsewhere in the same org, and one that names another host outright.
    const assignment = plan.actions.find((a: { id: string }) => a.id === 'group-assignment:Sales');
    const edited = join(dir, 'edited.json');
    writeFileSync(
      edited,
      JSON.stringify({
        ...plan,
        actions: plan.actions.map((a: { id: string; request?: { path: string } }) =>
          a === assignment ? { ...a, request: { ...a.request, path: `${t.url}/api/v1/users/00uvictim/lifecycle/deactivate` } } : a,
        ),
      }),
    );
    await control(s.okta.url, 'DELETE', '/__sandbox/requests');
    const r = await okta(s, ['--plan', edited, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is stale');
    expect(r.stderr).toContain('action group-assignment:Sales');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).writes).toBe(0);
    expect(t.seen).toEqual([]);
  });
});
