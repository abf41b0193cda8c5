import { describe, expect, it } from 'vitest';
import { colorLevel, detectInteractivity } from '../../src/lib/tty.js';
import { parseDuration } from '../../src/lib/duration.js';

describe('terminal conventions', () => {
  it.each<[string, NodeJS.ProcessEnv, boolean, boolean, number]>([
    ['a TTY', {}, true, false, 1],
    ['not a TTY', {}, false, false, 0],
    ['--no-color', {}, true, true, 0],
    ['NO_COLOR', { NO_COLOR: '1' }, true, false, 0],
    ['empty NO_COLOR is ignored', { NO_COLOR: '' }, true, false, 1],
    ['FORCE_COLOR on a pipe', { FORCE_COLOR: '1' }, false, false, 1],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, true, false, 0],
    ['TERM=dumb', { TERM: 'dumb' }, true, false, 0],
    ['256 colours', { TERM: 'xterm-256color' }, true, false, 2],
  ])('colour: %s', (_name, env, tty, flag, level) => {
    expect(colorLevel(env, tty, flag)).toBe(level);
  });

  it.each<[NodeJS.ProcessEnv, boolean, boolean, string | undefined]>([
    [{}, true, true, undefined],
    [{ CI: 'true' }, true, true, 'CI=true is set'],
    [{ CI: 'false' }, true, true, undefined],
    [{}, false, true, 'stdin is not a terminal'],
    [{}, true, false, 'stdout is not a terminal'],
  ])('interactivity %j stdin=%s stdout=%s', (env, stdin, stdout, reason) => {
    const i = detectInteractivity(env, stdin, stdout);
    expect(i.interactive).toBe(reason === undefined);
    expect(i.reason).toBe(reason);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1500ms', 1500],
    ['2', 2000],
    ['0', 0],
    // Compound and day durations, largest part first (#24 item 30).
    ['1d', 86_400_000],
    ['10m30s', 630_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2d12h', 216_000_000],
  ])('duration %s', (text, ms) => {
    expect(parseDuration(text, '--wait')).toBe(ms);
  });

  it.each(['30s10m', '5m5m', 'm', '1x', '1h-30m'])('not a duration we take: %s', (text) => {
    expect(() => parseDuration(text, '--wait')).toThrow(
      expect.objectContaining({ message: `--wait: "${text}" is not a duration.`, fix: expect.stringContaining('1h30m or 1d') }),
    );
  });

  it('too long to wait: 25d', () => {
    expect(() => parseDuration('25d', '--wait')).toThrow(/longer than scim-setup can wait/);
  });
});

describe('proxy choice', async () => {
  const { proxyFor } = await import('../../src/lib/proxy.js');
  const { bypassesProxy } = await import('../../src/lib/proxy.js');
  it.each<[string, string[], boolean]>([
    ['https://acme.okta.com/api/v1/apps', ['*'], true],
    ['https://acme.okta.com/api/v1/apps', ['.okta.com'], true],
    ['https://acme.okta.com/api/v1/apps', ['okta.com'], true],
    ['https://acme.okta.com/api/v1/apps', ['acme.okta.com:8443'], false],
    ['https://notokta.com/', ['okta.com'], false],
    ['http://127.0.0.1:8080/x', ['127.0.0.1'], true],
  ])('NO_PROXY: %s with %j bypasses: %s', (url, noProxy, bypass) => {
    expect(bypassesProxy(url, noProxy)).toBe(bypass);
  });
  it('picks HTTPS_PROXY for https, HTTP_PROXY (else HTTPS_PROXY) for http, none when bypassed', () => {
    const proxy = { httpsProxy: 'http://s:1', httpProxy: 'http://p:2', noProxy: ['internal'] };
    expect(proxyFor('https://acme.okta.com/', proxy)).toBe('http://s:1');
    expect(proxyFor('http://127.0.0.1/', proxy)).toBe('http://p:2');
    expect(proxyFor('http://127.0.0.1/', { ...proxy, httpProxy: undefined })).toBe('http://s:1');
    expect(proxyFor('https://x.internal/', proxy)).toBeUndefined();
  });
});

describe('system error codes in words (#24 item 34)', async () => {
  const { inWords } = await import('../../src/lib/errno.js');
  it.each([
    ['ENOENT', 'no such file or folder (ENOENT)'],
    ['ENOTFOUND', 'the host name does not resolve (DNS) (ENOTFOUND)'],
    ['ECONNREFUSED', 'the connection was refused (nothing listens there) (ECONNREFUSED)'],
    ['UND_ERR_SOCKET', 'UND_ERR_SOCKET'],
    [undefined, 'an error'],
  ])('%s', (code, words) => {
    expect(inWords(code)).toBe(words);
  });
});

describe('a yes/no answer (#24 item 18)', async () => {
  const { readAnswer } = await import('../../src/lib/prompt.js');
  it.each([
    ['y', 'yes'],
    ['YES', 'yes'],
    [' yes ', 'yes'],
    ['', 'no'],
    ['n', 'no'],
    ['No', 'no'],
    ['yse', 'unclear'],
    ['yeah', 'unclear'],
    ['ok', 'unclear'],
  ])('%j means %s', (answer, meaning) => {
    expect(readAnswer(answer)).toBe(meaning);
  });
});
