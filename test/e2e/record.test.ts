import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { cleanEnv, secretPieces, runInProcess } from '../helpers/cli.js';
import { control, sandbox, sandboxSecrets } from '../helpers/sandbox.js';
import { ManualClock } from '../helpers/clock.js';

let s: Sandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const folder = () => mkdtempSync(join(tmpdir(), 'scim-record-'));
const readHar = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Every credential the sandbox run held, those it obtained (OAuth access tokens) included. */
function credentials(box: Sandbox): string[] {
  const issued = [...(box.okta.auth as unknown as { accessTokens: Map<string, unknown> }).accessTokens.keys()];
  return [...sandboxSecrets(box), ...issued].flatMap(secretPieces);
}

describe('--record FILE writes a redacted HAR; sandbox --compare replays it', () => {
  it('records both services as HAR 1.2 without a secret; the recording compares clean against a fresh sandbox', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const har = join(folder(), 'run.har');
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--wait', '20s', '--record', har], {
      on: s,
      env: cleanEnv(s.env),
      secrets: sandboxSecrets(s),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Recorded \d+ HTTP exchanges to .*run\.har/);
    expect(statSync(har).mode & 0o777).toBe(0o600);
    const doc = readHar(har);
    expect(doc.log.version).toBe('1.2');
    const urls: string[] = doc.log.entries.map((e: { request: { url: string } }) => e.request.url);
    expect(urls.some((u) => u.startsWith(`${s!.okta.url}/api/v1/apps`))).toBe(true);
    expect(urls.some((u) => u.startsWith(`${s!.cloudflare.apiBaseUrl}/accounts/`))).toBe(true);
    const post = doc.log.entries.find((e: { request: { url: string } }) => e.request.url.includes('/connections/default'));
    expect(JSON.parse(post.request.postData.text).profile.token).toBe('[redacted]');
    const text = readFileSync(har, 'utf8');
    for (const secret of credentials(s)) expect(text.includes(secret), 'a credential survived in the HAR').toBe(false);

    const compared = await runInProcess(['sandbox', '--compare', har]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout + compared.stderr).toContain('No shape differences');

    // A verify recording reads an app it never made: the replay makes the world it read (the app, provisioning on,
    // its groups and push mapping) first, not 404s that no real org gave (#34 item 4: 23 false differences).
    const verified = join(folder(), 'verify.har');
    const v = await runInProcess(['verify', '--record', verified], { on: s, env: cleanEnv(s.env), secrets: sandboxSecrets(s) });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const replay = await runInProcess(['sandbox', '--compare', verified]);
    expect(replay.stdout + replay.stderr).toContain('No shape differences');
    expect(replay.code).toBe(0);
  });

  it('the OAuth service-app mode leaks neither the private key, the signed assertion nor the access token it obtained', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const dir = folder();
    const key = join(dir, 'key.pem');
    writeFileSync(key, s.serviceApp.privateKeyPem);
    const har = join(dir, 'oauth.har');
    const env = cleanEnv({ ...s.env, OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: s.serviceApp.clientId, OKTA_PRIVATE_KEY: key });
    const r = await runInProcess(['okta', '--assign-group', 'Sales', '--yes', '--wait', '20s', '--record', har], { on: s, env, secrets: sandboxSecrets(s) });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(har, 'utf8');
    expect(text).toContain('/oauth2/v1/token');
    expect(credentials(s).length).toBeGreaterThan(sandboxSecrets(s).length);
    for (const secret of credentials(s)) expect(text.includes(secret), 'a credential survived in the HAR').toBe(false);
    const token = readHar(har).log.entries.find((e: { request: { url: string } }) => e.request.url.endsWith('/oauth2/v1/token'));
    expect(new URLSearchParams(token.request.postData.text).get('client_assertion')).toBe('[redacted]');
    expect(JSON.parse(token.response.content.text).access_token).toBe('[redacted]');
  });

  it('--record-redact-pii replaces people by stable hashes and keeps group names', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const har = join(folder(), 'pii.har');
    const r = await runInProcess(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--record', har, '--record-redact-pii'], {
      on: s,
      env: cleanEnv(s.env),
      secrets: sandboxSecrets(s),
    });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(har, 'utf8');
    const engineering = [...s.okta.state.groups.values()].find((g) => g.profile.name === 'Engineering')!;
    const people = [...s.okta.state.members.get(engineering.id)!].map((id) => s!.okta.state.users.get(id)!);
    for (const person of people) {
      expect(text).not.toContain(person.profile.login);
      expect(text).not.toContain(`${person.profile.firstName} ${person.profile.lastName}`);
    }
    expect(text).toContain('Engineering');
    expect(text).toMatch(/pii-[0-9a-f]{10}/);
    // Still comparable: the replay makes the hashed people in the sandbox.
    const compared = await runInProcess(['sandbox', '--compare', har]);
    expect(compared.code, compared.stdout + compared.stderr).toBe(0);
  });

  it('a planted difference is reported, naming the operation and the path, with exit 1', async () => {
    s = await sandbox({ clock: new ManualClock(), admin: 'auto' });
    const har = join(folder(), 'planted.har');
    expect((await runInProcess(['okta', '--assign-group', 'Sales', '--yes', '--wait', '20s', '--record', har], { on: s, env: cleanEnv(s.env) })).code).toBe(0);
    const doc = readHar(har);
    // As if every read of the app at the real service had a field more and one less than the sandbox gives.
    const reads = doc.log.entries.filter(
      (e: { request: { method: string; url: string } }) => e.request.method === 'GET' && /\/api\/v1\/apps\/[^/?]+$/.test(e.request.url),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      const app = JSON.parse(read.response.content.text);
      app.provisioningState = 'planted';
      delete app.visibility;
      read.response.content.text = JSON.stringify(app);
    }
    writeFileSync(har, JSON.stringify(doc));
    const compared = await runInProcess(['sandbox', '--compare', har]);
    expect(compared.code).toBe(1);
    const out = compared.stdout + compared.stderr;
    expect(out).toContain('GET /api/v1/apps/{appId}: provisioningState missing');
    expect(out).toContain('GET /api/v1/apps/{appId}: visibility present (object), never recorded');
  });

  it('a --record path in a missing folder, or through a symbolic link, is an input error before any request', async () => {
    s = await sandbox({ clock: new ManualClock() });
    const r = await runInProcess(['verify', '--record', join(folder(), 'no', 'such', 'run.har')], { on: s, env: cleanEnv(s.env) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--record');
    expect(r.stderr).toContain('does not exist');
    const dir = folder();
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(dir, 'link.har'));
    const linked = await runInProcess(['verify', '--record', join(dir, 'link.har')], { on: s, env: cleanEnv(s.env) });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('symbolic link');
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect((await control(s.okta.url, 'GET', '/__sandbox/requests')).total).toBe(0);
    const notHar = join(folder(), 'x.har');
    writeFileSync(notHar, '{"log":{}}');
    const c = await runInProcess(['sandbox', '--compare', notHar]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('not a HAR file');
  });
});
