import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, cleanEnv, ROOT, runCli, runInProcess } from '../helpers/cli.js';

const GOOD = {
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00fakeOktaTokenValue1234567890abcdefXYZ',
  CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
  CLOUDFLARE_SCIM_TOKEN: 'cfat_fakeScimTokenValue1234567890abcdefXYZ',
  CLOUDFLARE_API_TOKEN: 'cfat_fakeReadTokenValue0987654321fedcbaXYZ',
};
const SECRETS = [GOOD.OKTA_API_TOKEN, GOOD.CLOUDFLARE_SCIM_TOKEN, GOOD.CLOUDFLARE_API_TOKEN];

describe('the CLI as a user runs it (black box)', () => {
  it('--help lists the commands, examples and exit codes, and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const text of ['okta', 'verify', 'sandbox', 'demo', 'Examples:', 'Exit codes:', '3  waiting on a manual step']) expect(r.stdout).toContain(text);
  });

  it.each(['okta', 'verify', 'sandbox', 'demo'])('%s --help shows examples and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });

  it('--help off a terminal, printed from the build without loading commander, is what commander prints, for the program and every command', async () => {
    const texts = JSON.parse(readFileSync(join(ROOT, 'dist', 'help.json'), 'utf8')) as Record<string, string>;
    // Every command commander knows has its text (the build reads the list from the program's own help).
    const commands = Object.keys(texts).filter((c) => c !== '');
    expect(commands.sort()).toEqual(['completion', 'demo', 'destroy', 'migrate', 'okta', 'report', 'rotate-token', 'sandbox', 'verify']);
    for (const asked of [[], ...commands.map((c) => [c])]) {
      const [fast, viaCommander] = await Promise.all([runCli([...asked, '--help']), runInProcess([...asked, '--help'])]);
      expect(fast.code, asked.join(' ')).toBe(0);
      expect(fast.stdout, `${asked.join(' ')} --help`).toBe(viaCommander.stdout);
      expect(fast.stdout, asked.join(' ')).toBe(texts[asked[0] ?? '']);
    }
    // -h is --help too; a command the build has no text for goes to commander, which answers as ever.
    expect((await runCli(['okta', '-h'])).stdout).toBe(texts.okta);
    const [unknown, unknownInProcess] = await Promise.all([runCli(['nosuch', '--help']), runInProcess(['nosuch', '--help'])]);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([unknownInProcess.code, unknownInProcess.stdout, unknownInProcess.stderr]);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const r = await runCli(['okta', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('a secret given as a flag is refused with the way to give it; a real file flag beside another typo is not taken for one', async () => {
    const given = await runCli(['okta', '--scim-token=cfat_abc'], { env: cleanEnv(), secrets: [...SECRETS, 'cfat_abc'] });
    expect(given.code).toBe(2);
    expect(given.stderr).toContain('fix: secrets are never taken on the command line, where ps and shell history see them. Use --scim-token-file');
    const typo = await runCli(['okta', '--scim-token-file', 'token.txt', '--no-such-flag'], { env: cleanEnv(), secrets: SECRETS });
    expect(typo.code).toBe(2);
    expect(typo.stderr).not.toContain('secrets are never taken');
  });

  it('-v is a usage error that points to -V for the version (#24 item 36)', async () => {
    const r = await runCli(['-v'], { env: cleanEnv(), secrets: SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fix: For the version, use -V (or --version).');
  });

  it('with --json, a usage error is still one document on stdout, with its fix', async () => {
    for (const command of ['okta', 'destroy', 'migrate', 'rotate-token']) {
      const r = await runCli([command, '--json', '--dry-run', '--plan', 'plan.json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toEqual({
        formatVersion: 1,
        command,
        error: {
          message: "option '--plan <file>' cannot be used with option '--dry-run'",
          fix: 'Use --dry-run --out <file> to save a plan, then --plan <file> to apply it.',
          exitCode: 2,
        },
        status: 'usage',
        exitCode: 2,
      });
    }
  });

  it('with --json, invalid inputs are a list: which input, from where, what to do (#24 item 28)', async () => {
    const r = await runCli(['okta', '--json', '--dry-run', '--org-url', 'http://acme.okta.com', '--account-id', 'nope'], {
      env: cleanEnv(GOOD),
      secrets: SECRETS,
    });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ status: 'usage', exitCode: 2 });
    expect(doc.error.problems.map((p: { input: string; source: string }) => [p.input, p.source])).toEqual([
      ['Okta org URL', '--org-url'],
      ['Cloudflare account ID', '--account-id'],
    ]);
  });

  it('missing inputs in a non-interactive run exit 2 and name OKTA_ORG_URL and why it cannot ask', async () => {
    const r = await runCli(['okta', '--dry-run'], { env: cleanEnv({ CI: 'true' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OKTA_ORG_URL');
    expect(r.stderr).toContain('CLOUDFLARE_SCIM_TOKEN');
    expect(r.stderr).toContain('CI=true is set');
  });

  it('an http org URL is refused before any request (exit 2)', async () => {
    const r = await runCli(['okta', '--dry-run'], { env: cleanEnv({ ...GOOD, OKTA_ORG_URL: 'http://acme.okta.com' }), secrets: SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Okta org URL \(from env OKTA_ORG_URL\): "http:\/\/acme.okta.com" must use https/);
  });

  it('a bad account ID is refused (exit 2) with where to find the right one', async () => {
    const r = await runCli(['okta', '--dry-run', '--account-id', 'abc123'], { env: cleanEnv(GOOD), secrets: SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cloudflare account ID (from --account-id): "abc123" is not a Cloudflare account ID (32 hex characters, got 6 characters)');
    expect(r.stderr).toContain('dash.cloudflare.com');
  });

  it('--json on an input error prints one parseable document with formatVersion on stdout, human text on stderr', async () => {
    const r = await runCli(['okta', '--dry-run', '--json'], { env: cleanEnv({ ...GOOD, CLOUDFLARE_ACCOUNT_ID: 'nope' }), secrets: SECRETS });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.formatVersion).toBe(1);
    expect(doc.error.exitCode).toBe(2);
    expect(doc.error.message).toContain('Cloudflare account ID');
    expect(r.stderr).toContain('error:');
  });

  it('prints no ANSI codes when not a TTY, even with colour-capable TERM, and none with NO_COLOR', async () => {
    for (const env of [cleanEnv({ ...GOOD, TERM: 'xterm-256color', OKTA_ORG_URL: 'ftp://x' }), cleanEnv({ ...GOOD, NO_COLOR: '1', OKTA_ORG_URL: 'ftp://x' })]) {
      const r = await runCli(['okta', '--dry-run'], { env, secrets: SECRETS });
      expect(r.code).toBe(2);
      expect(ANSI.test(r.stdout + r.stderr)).toBe(false);
    }
  });

  it('a broken config file names the file, the line and the fix (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-setup-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'okta:\n  orgUrl: https://acme.okta.com\n  tokn: x\n');
    const r = await runCli(['okta', '--dry-run', '--config', file], { env: cleanEnv(GOOD), secrets: SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Config file ${file}, line 3, column 3: unknown key "okta.tokn"`);
  });

  it('reads a secret from stdin with --scim-token-file - and never echoes it', async () => {
    const { CLOUDFLARE_SCIM_TOKEN: _omit, ...rest } = GOOD;
    const r = await runCli(['okta', '--dry-run', '--scim-token-file', '-', '--account-id', 'bad'], {
      env: cleanEnv(rest),
      input: 'Bearer cfat_fromStdinSecretValue123456789\n',
      secrets: [...SECRETS, 'cfat_fromStdinSecretValue123456789'],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cloudflare SCIM token (from --scim-token-file - (stdin)): it starts with "Bearer ".');
  });
});

describe('pipes', () => {
  it('a reader that closes the pipe early (| head) is not a crash', async () => {
    const { spawn } = await import('node:child_process');
    const { join } = await import('node:path');
    const { ROOT } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'scim-setup.js'), 'okta', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
