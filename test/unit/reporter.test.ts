import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';

const { sleep } = systemClock;
import ora from 'ora';
import { Reporter } from '../../src/lib/reporter.js';
import { spinnerFor } from '../../src/lib/spinner.js';

const SGR = /\u001b\[[0-9;]*m/g;

function terminal(columns: number) {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

const reporter = (out: ReturnType<typeof terminal>, env: NodeJS.ProcessEnv = {}, noColor = false) =>
  new Reporter({ json: false, noColor, debug: false, env: { TERM: 'xterm-256color', ...env }, stdout: out.stream, stderr: out.stream, spinner: ora });

describe('terminal faces', () => {
  it('a terminal that reports 0 columns gets plain lines, no spinner and no cursor codes', async () => {
    const out = terminal(0);
    const task = reporter(out).task('reading Okta');
    await sleep(250);
    task.succeed('read Okta');
    expect(out.text().replace(SGR, '')).toBe('✓ read Okta\n');
  });

  it('ora is loaded only where a stream is a terminal; a reporter without it writes lines on a terminal too', async () => {
    expect(await spinnerFor([{ isTTY: false }, {}])).toBeUndefined();
    expect(await spinnerFor([{ isTTY: false }, { isTTY: true }])).toBe(ora);
    const out = terminal(80);
    const task = new Reporter({ json: false, noColor: true, debug: false, env: { TERM: 'xterm-256color' }, stdout: out.stream, stderr: out.stream }).task(
      'step',
    );
    task.succeed('done');
    expect(out.text()).toBe('✓ done\n');
  });

  it('a terminal with room gets a spinner', async () => {
    const out = terminal(80);
    const task = reporter(out).task('reading Okta');
    await sleep(250);
    task.succeed('read Okta');
    expect(out.text()).toContain('⠋ reading Okta');
    expect(out.text().replace(SGR, '')).toContain('✔ read Okta');
  });

  it.each([
    ['--no-color', {}, true],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
  ])('%s: the spinner and its ✔/✖/⚠ carry no colour', async (_name, env, flag) => {
    for (const end of ['succeed', 'fail', 'warn'] as const) {
      const out = terminal(80);
      const task = reporter(out, env, flag).task('step');
      await sleep(100);
      task[end]('step');
      // Cursor movement is allowed; colour (SGR, ending in m) is not.
      expect(out.text()).not.toMatch(SGR);
    }
  });
});

describe('waits', () => {
  it('a wait on a signal leaves no listener behind, however many waits there are', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 30; i++) await sleep(1, abort.signal);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
  });

  it('an aborted signal ends a long wait at once', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 20);
    await sleep(60_000, abort.signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('folding to the terminal', async () => {
  const { foldLines, jsonForTerminal, neutralise, untrusted } = await import('../../src/lib/terminal-text.js');

  it('folds a long line at spaces and commas, indented under it, and never cuts a URL', () => {
    const url = `https://acme-admin.okta.com/admin/app/scim2testapp/instance/0oa1234567890abcdefg/#tab-provisioning`;
    const folded = foldLines(`      POST /api/v1/apps {"name":"scim2testapp","label":"Cloudflare SCIM","signOnMode":"AUTO_LOGIN"} then open ${url} now`, 60);
    for (const line of folded.split('\n')) expect(line.length <= 60 || line.trim() === url).toBe(true);
    expect(folded.split('\n')).toContain(`        ${url}`);
    expect(folded.replace(/\n\s+/g, ' ').replace(/, /g, ',')).toContain('"label":"Cloudflare SCIM"');
  });

  it('leaves short lines and colour sequences alone', () => {
    expect(foldLines('\u001b[32m✓\u001b[39m done', 20)).toBe('\u001b[32m✓\u001b[39m done');
  });

  it('neutralises what drives a terminal, keeping its own colour and line breaks; untrusted text stays one line', () => {
    expect(neutralise('\u001b[32mok\u001b[39m\nname \u001b]52;c;aGk=\u0007 \u202e\r')).toBe('\u001b[32mok\u001b[39m\nname \\x1b]52;c;aGk=\\x07 \\u202e\\x0d');
    expect(untrusted('Evil\r\n✓ verified')).toBe('Evil\\x0d\\n✓ verified');
  });

  it('--json output carries wire text as data: the controls JSON leaves raw are escaped, and it parses back the same', () => {
    const doc = { name: 'Eng\u202eering\u009b2J\u007f\u200b', ok: true };
    const text = jsonForTerminal(doc);
    expect(text).toContain('"Eng\\u202eering\\u009b2J\\u007f\\u200b"');
    expect(text).not.toMatch(/[\u007f-\u009f\u200b\u202e]/);
    expect(JSON.parse(text)).toEqual(doc);
  });
});
