import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, ROOT, runCli, runInProcess } from '../helpers/cli.js';
import { ManualClock } from '../helpers/clock.js';
import { startCapture, startHostileFront } from '../helpers/hostile-front.js';
import { startProxy } from '../helpers/proxy.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const okta = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(['okta', ...args], { env: cleanEnv({ ...s!.env, ...env }), secrets: sandboxSecrets(s!) });

describe('corporate networks', () => {
  it('sends Okta and Cloudflare traffic through HTTPS_PROXY, and around it for NO_PROXY hosts', async () => {
    s = await sandbox();
    const proxy = await startProxy();
    try {
      const through = await okta(['--dry-run'], { HTTPS_PROXY: proxy.url });
      expect(through.code, through.stderr).toBe(0);
      const oktaHost = new URL(s.okta.url).host;
      const cfHost = new URL(s.cloudflare.url).host;
      expect(proxy.seen).toEqual(expect.arrayContaining([oktaHost, cfHost]));
      // The SDK sends its OAuth token request without its proxy agent; scim-setup's executor sends it through.
      proxy.requests.length = 0;
      const oauth = await okta(['--dry-run'], {
        HTTPS_PROXY: proxy.url,
        OKTA_API_TOKEN: undefined,
        OKTA_CLIENT_ID: s.serviceApp.clientId,
        OKTA_PRIVATE_KEY: s.serviceApp.privateKeyPem,
      });
      expect(oauth.code, oauth.stderr).toBe(0);
      expect(proxy.requests).toEqual(
        expect.arrayContaining([
          'POST /oauth2/v1/token',
          'GET /api/v1/apps',
          'GET /client/v4/accounts/5a3d9c1e7b2f4a6d8c0e1f2a3b4c5d6e/scim/v2/ServiceProviderConfig',
        ]),
      );
      proxy.seen.length = 0;
      const around = await okta(['--dry-run'], { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      expect(around.code, around.stderr).toBe(0);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('trusts a custom CA given in NODE_EXTRA_CA_CERTS, and says what to do without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-ca-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=scim-setup test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    s = await sandbox({ tls: { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') } });
    expect(s.env.OKTA_ORG_URL).toMatch(/^https:/);
    const untrusted = await okta(['--dry-run', '--request-timeout', '5s']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
    const trusted = await okta(['--dry-run'], { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
    expect(trusted.code, trusted.stderr).toBe(0);
  });
});

describe('never hang, never duplicate', () => {
  it('fails a hung server with a clear message once the request timeout and its retries are spent', async () => {
    // In the test's process, on the sandbox's clock: each hang is a second of the wall (a request's own timeout), the backoffs between them none.
    s = await sandbox({ clock: new ManualClock() });
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '^/api/v1/apps', hang: true }] });
    const r = await runInProcess(['okta', '--dry-run', '--request-timeout', '1s'], { env: cleanEnv(s.env), secrets: sandboxSecrets(s), on: s });
    expect(r.code).toBe(1);
    // Each retry was said as it came, and the error counts them all (#24 item 16).
    expect(r.stderr).toMatch(/Cannot reach Okta at http:\/\/127\.0\.0\.1:\d+: GET \/api\/v1\/apps timed out \(5 attempts, \d+s in all\)\./);
    expect(r.stderr.match(/no answer within 1s; trying again/g)).toHaveLength(4);
  });

  it('Ctrl-C while waiting on the guided step stops, says how to resume, and exits 130', async () => {
    s = await sandbox({ admin: 'manual' });
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'okta', '--yes', '--wait', '60s'], { env: cleanEnv(s.env) });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!out.includes('#tab-provisioning') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(out).toContain(
      'interrupted: Stopped waiting for the guided step (provisioning is not on yet). Done before that: create Okta app "Cloudflare SCIM" (SCIM 2.0 Test App, OAuth Bearer Token).',
    );
    expect(out).toContain('Re-run the same command');
    expect(out).toContain('… turn on provisioning to Cloudflare (by API where Okta takes it, else a guided step): interrupted');
    expect(out).not.toContain('failed');
  });

  it('SIGTERM gets the same report as Ctrl-C, the --json document included, and exits 143', async () => {
    s = await sandbox({ admin: 'manual' });
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'okta', '--yes', '--wait', '60s', '--json'], { env: cleanEnv(s.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('#tab-provisioning') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(143);
    expect(stderr).toContain('interrupted: Stopped waiting for the guided step');
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ formatVersion: 1, command: 'okta', manualSteps: [expect.objectContaining({ id: 'provisioning' })] });
  });

  it('SIGTERM during a request: the --json document says exit 143, as the process exits (#20)', async () => {
    s = await sandbox({ admin: 'manual' });
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '/api/v1/apps', hang: true }] });
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'verify', '--json', '--request-timeout', '60s'], { env: cleanEnv(s.env) });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Once the request hangs at the sandbox, the run is inside it.
    const deadline = Date.now() + 20_000;
    while (((await control(s.okta.url, 'GET', '/__sandbox/requests')).byRoute['GET /api/v1/apps'] ?? 0) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(143);
    expect(JSON.parse(stdout).error.exitCode).toBe(143);
  });

  it('Ctrl-C during a request that hangs ends the run within a second (no retries), exit 130', async () => {
    s = await sandbox({ admin: 'manual' });
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '/api/v1/apps', hang: true }] });
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'verify', '--request-timeout', '60s'], { env: cleanEnv(s.env) });
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while ((await control(s.okta.url, 'GET', '/__sandbox/requests')).total === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(out).toContain('interrupted: Interrupted during GET /api/v1/apps.');
  });

  it('two runs at once end with one app: the run that made a duplicate removes its own and says so', async () => {
    s = await sandbox({ admin: 'auto' });
    // Both runs must read "no app" before either creates one: a barrier holds the first create until the second arrives.
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'POST', path: '^/api/v1/apps\\?', barrier: 2, times: 2 }] });
    const [a, b] = await Promise.all([
      okta(['--assign-group', 'Sales', '--yes', '--wait', '20s']),
      okta(['--assign-group', 'Sales', '--yes', '--wait', '20s']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect([...s.okta.state.apps.values()]).toHaveLength(1);
    expect(a.stderr + b.stderr).toMatch(
      /Another run created app \w+ "Cloudflare SCIM" at the same time; this run removed the duplicate it had created \(\w+\)/,
    );
  });

  it('--debug traces every request, and still never prints a secret', async () => {
    s = await sandbox();
    await control(s.okta.url, 'POST', '/__sandbox/faults', { rules: [{ method: 'GET', path: '^/api/v1/groups', status: 503, times: 1 }] });
    const r = await okta(['--dry-run', '--debug', '--push-group', 'Engineering']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/debug: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/groups\?search=.* → 503/);
    expect(r.stderr).toMatch(/debug: retrying GET/);
  });
});

describe('the process ends, whatever the service does', () => {
  it('a response that drips its body: the run fails on its timeout and the process exits', async () => {
    s = await sandbox({ admin: 'auto' });
    const setup = await okta(['--push-group', 'Engineering', '--yes', '--wait', '20s']);
    expect(setup.code, setup.stderr).toBe(0);
    await s.okta.engine.idle();
    // Okta's app list, read through a front that sends its body a byte at a time, for ever.
    const evil = await startCapture();
    const front = await startHostileFront(s.okta.url, /^GET \/api\/v1\/apps\?/, { kind: 'drip' }, evil.url);
    try {
      const started = Date.now();
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'verify', '--request-timeout', '2s'], {
        env: cleanEnv({ ...s.env, OKTA_ORG_URL: front.url }),
      });
      let out = '';
      child.stderr.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, out).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await Promise.all([front.close(), evil.close()]);
    }
  });
});
