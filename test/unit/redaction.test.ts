import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HarRecorder } from '../../src/lib/har.js';
import { hideFlagValues, Redactor } from '../../src/lib/redact.js';
import { readSecretFiles, registerEnvSecrets } from '../../src/lib/secret-files.js';
import { Reporter } from '../../src/lib/reporter.js';

const TOKEN = '00secretOktaToken0123456789';
const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL\n-----END PRIVATE KEY-----\n';

function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text: () => string };
  let text = '';
  s.on('data', (d) => (text += d));
  s.isTTY = isTTY;
  // ora draws with the tty.WriteStream cursor methods.
  Object.assign(s, { cursorTo: () => true, moveCursor: () => true, clearLine: () => true, columns: 80 });
  s.text = () => text;
  return s;
}

describe('redaction: one place, every output face', () => {
  it('replaces a secret and its JSON-escaped, URL-encoded and per-line spellings', () => {
    const r = new Redactor();
    r.register(TOKEN);
    r.register(PEM);
    const leaks = [TOKEN, JSON.stringify(PEM), encodeURIComponent(TOKEN), PEM.split('\n')[1], `Authorization: SSWS ${TOKEN}`];
    for (const leak of leaks) expect(r.redact(`x ${leak} y`)).not.toMatch(/00secretOktaToken|MIIEvQIBAD|abcdefghijklmnop/);
  });

  it.each<[string, { json: boolean; tty: boolean; env: NodeJS.ProcessEnv; debug?: boolean }]>([
    ['TTY face', { json: false, tty: true, env: { FORCE_COLOR: '1' } }],
    ['plain face', { json: false, tty: false, env: {} }],
    ['JSON face', { json: true, tty: false, env: {} }],
    ['debug traces', { json: false, tty: false, env: {}, debug: true }],
  ])('%s never prints a registered secret', (_name, face) => {
    const out = stream(face.tty);
    const err = stream(face.tty);
    const redactor = new Redactor();
    redactor.register(TOKEN);
    redactor.register(PEM);
    const reporter = new Reporter({ json: face.json, noColor: false, debug: Boolean(face.debug), env: face.env, stdout: out, stderr: err, redactor });
    reporter.info(`token ${TOKEN}`);
    reporter.warn(`pem ${PEM}`);
    reporter.error(`error with header SSWS ${TOKEN}`);
    reporter.debug(`GET https://x/?t=${encodeURIComponent(TOKEN)}`);
    const task = reporter.task(`step ${TOKEN}`);
    task.update(`step ${TOKEN}`);
    task.succeed(`done ${TOKEN}`);
    // A document that carried a secret by mistake (a field no command has): redacted all the same.
    reporter.result({ formatVersion: 1, command: 'okta', ...({ secret: TOKEN, key: PEM } as object) });
    const all = out.text() + err.text();
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('MIIEvQIBAD');
    expect(all).toContain('[redacted]');
  });
});

describe('HAR redaction has no exceptions (#20)', () => {
  const SCIM = 'cfat_scimTokenValue_0123456789abcdefABCDEF';
  /** Every spelling of a secret a gateway or a server could echo. */
  const spellings = (secret: string) => [
    secret,
    secret.slice(0, 20),
    secret.slice(-20),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(`Bearer ${secret}`).toString('base64'),
    Buffer.from(`SSWS ${secret}`).toString('base64'),
    // Inside a longer base64 text, at each alignment.
    ...[1, 2, 3].map((n) => Buffer.from(`{"t":"${'x'.repeat(n)}${secret}"}`).toString('base64')),
  ];
  /** What base64 runs in a text decode to, read from each of the four offsets: a token inside them is found however aligned. */
  const decoded = (text: string) =>
    [...text.matchAll(/[A-Za-z0-9+/_-]{16,}/g)].flatMap((m) => [0, 1, 2, 3].map((k) => Buffer.from(m[0].slice(k), 'base64').toString('latin1')));
  /** Every 12-character piece of a secret but its first and last two characters (which base64 alignment may leave). */
  const pieces = (secret: string) => Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i + 2, i + 14));

  it('every string field of every entry passes the redactor: status text, redirect, headers, bodies, in every encoding', async () => {
    const redactor = new Redactor();
    redactor.register(SCIM);
    redactor.register(TOKEN);
    const assertion = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ.c2lnbmF0dXJlLW9mLXRoZS1hc3NlcnRpb24tdGhhdC1pcy1sb25n';
    redactor.register(assertion);
    const recorder = new HarRecorder(redactor, false, 'test');
    const reflect = (secret: string) => spellings(secret).join(' | ');
    recorder.add({
      startedAt: 0,
      durationMs: 1,
      method: 'GET',
      url: `https://api.example/x?echo=${encodeURIComponent(SCIM)}`,
      requestHeaders: { authorization: `Bearer ${SCIM}`, 'x-echo': reflect(SCIM) },
      status: 401,
      statusText: `Unauthorized ${reflect(SCIM)} ${reflect(TOKEN)}`,
      responseHeaders: { location: `https://evil.example/?t=${SCIM}`, 'content-type': 'application/json', 'x-reflect': reflect(TOKEN) },
      responseBody: JSON.stringify({ message: reflect(SCIM), error_description: `assertion ${assertion} rejected`, nested: [{ v: reflect(TOKEN) }] }),
    });
    const har = JSON.stringify(await recorder.toHar());
    for (const secret of [SCIM, TOKEN]) {
      for (const spelling of spellings(secret)) expect(har, spelling).not.toContain(spelling);
      for (const text of decoded(har)) for (const piece of pieces(secret)) expect(text, piece).not.toContain(piece);
    }
    expect(har).not.toContain(assertion);
    expect(har).toContain('Unauthorized [redacted]');
  });

  it('a key given as a path registers the key, not the path (nor the folders beside it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-key-folder-'));
    const path = join(dir, 'service-app-key.pem');
    writeFileSync(path, PEM);
    const redactor = new Redactor();
    const env = { OKTA_PRIVATE_KEY: path };
    registerEnvSecrets(env, redactor);
    await readSecretFiles({}, env, redactor, async () => '');
    expect(redactor.redact(`wrote ${join(dir, 'plan.json')} and ${path}`)).toBe(`wrote ${join(dir, 'plan.json')} and ${path}`);
    expect(redactor.redact(PEM.split('\n')[2])).toBe('[redacted]');
  });
});

describe('values given as --flag=value in a usage error', () => {
  it('are hidden: a secret typed as a flag is never echoed back', () => {
    expect(hideFlagValues("error: unknown option '--scim-token=cfat_abc'")).toBe("error: unknown option '--scim-token=…'");
    expect(hideFlagValues("error: unknown option '--no-such-flag'")).toBe("error: unknown option '--no-such-flag'");
  });
});
