import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/lib/redact.js';
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
    reporter.result({ formatVersion: 1, secret: TOKEN, key: PEM });
    const all = out.text() + err.text();
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('MIIEvQIBAD');
    expect(all).toContain('[redacted]');
  });
});
