import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { handedEnv, shown } from '../helpers/people.js';
import { cleanEnv, ROOT } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';

/**
 * What ships: `npm pack` of the built tree (the bundle the other black-box tests run), its
 * contents, its licence notices, and an offline install of the tarball into an empty folder that
 * then runs against the sandbox.
 */
let tarball: string;
let installed: string;
let s: Sandbox;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'scim-pack-'));
  // The build has run (npm test builds first); pack what it made, as prepack would.
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' }));
  tarball = join(out, packed.filename);
  installed = mkdtempSync(join(tmpdir(), 'scim-install-'));
  writeFileSync(join(installed, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: installed, encoding: 'utf8' });
  s = await sandbox({ admin: 'auto' });
}, 120_000);
afterAll(() => s?.close());

const files = () =>
  execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
// Asynchronous: the sandbox runs in this process, so a synchronous child would wait on it forever.
/** `extraEnv`: variables set, or unset where undefined. */
const run = (args: string[], extraEnv: Record<string, string | undefined> = {}) =>
  new Promise<string>((resolve, reject) => {
    const env = Object.fromEntries(Object.entries({ ...cleanEnv(s.env), ...extraEnv }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    handedEnv(env);
    const child = execFile(join(installed, 'node_modules', '.bin', 'scim-setup'), args, { env, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
    // The sandbox's admin reads what the installed CLI prints, as a person at its terminal would.
    child.stdout?.on('data', (d) => shown(String(d)));
    child.stderr?.on('data', (d) => shown(String(d), 'stderr'));
  });

describe('the published package', () => {
  it('has no runtime dependencies: the SDKs, commander, chalk and ora are bundled', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(readdirSync(join(installed, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['scim-setup']);
  });

  it('carries the bundle with its source maps (mappings only: no source text), the README, the LICENSE and the licence notices, and no source or tests', () => {
    const list = files();
    for (const needed of ['bin/scim-setup.js', 'dist/index.js', 'dist/index.js.map', 'README.md', 'LICENSE', 'THIRD-PARTY-NOTICES.txt', 'package.json'])
      expect(list).toContain(needed);
    expect(list.filter((f) => /^src\/|^test\/|^scripts\/|meta\.json$|\.env|\.har$/.test(f))).toEqual([]);
    const maps = list.filter((f) => f.endsWith('.map'));
    expect(maps.every((f) => f.startsWith('dist/'))).toBe(true);
    expect(maps.filter((f) => 'sourcesContent' in JSON.parse(readFileSync(join(installed, 'node_modules', 'scim-setup', f), 'utf8')))).toEqual([]);
  });

  it('with --debug, a stack names the src/ files and lines through the shipped source maps (#24 item 31)', async () => {
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        join(installed, 'node_modules', '.bin', 'scim-setup'),
        ['okta', '--dry-run', '--debug', '--push-group', `CF-${'a'.repeat(32)} - Administrator`],
        { env: cleanEnv(s.env), encoding: 'utf8', timeout: 30_000 },
        (_error, _stdout, err) => resolve(err),
      );
    });
    expect(stderr).toContain('is a legacy Cloudflare role group');
    expect(stderr).toMatch(/at .*src\/lib\/inputs\.ts:\d+:\d+/);
  });

  it('names every bundled package in its notices, with the licence', async () => {
    // @ts-expect-error the build's scripts are plain JavaScript, without typings
    const { bundledPackages } = await import('../../scripts/notices.mjs');
    const notices = readFileSync(join(ROOT, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const bundled = bundledPackages(JSON.parse(readFileSync(join(ROOT, 'dist', 'meta.json'), 'utf8')), ROOT) as Array<[string, { pkg: { name: string } }]>;
    expect(bundled.map(([, p]) => p.pkg.name)).toEqual(expect.arrayContaining(['@okta/okta-sdk-nodejs', 'cloudflare', 'commander', 'chalk', 'ora']));
    for (const [id] of bundled) expect(notices, id).toContain(`${id}  (`);
  });

  it('installed from the tarball alone, prints the version of package.json and runs every command against the sandbox', async () => {
    expect((await run(['--version'])).trim()).toBe(pkg.version);
    const plan = JSON.parse(await run(['okta', '--push-group', 'Engineering', '--dry-run', '--json']));
    expect(plan).toMatchObject({ formatVersion: 1, command: 'okta', changes: true });
    expect(JSON.parse(await run(['okta', '--push-group', 'Engineering', '--yes', '--wait', '20s', '--json'])).verification.checks.length).toBeGreaterThan(5);
    expect(JSON.parse(await run(['verify', '--json'])).command).toBe('verify');
    expect(JSON.parse(await run(['rotate-token', '--dry-run', '--json'])).command).toBe('rotate-token');
    expect(JSON.parse(await run(['migrate', '--dry-run', '--json'])).command).toBe('migrate');
    expect(JSON.parse(await run(['destroy', '--dry-run', '--json'])).command).toBe('destroy');
    expect(await run(['completion', 'bash'])).toContain('complete -o default -F _scim_setup scim-setup');
    // The demo starts the sandbox from the package itself.
    expect(await run(['demo'])).toContain('Demo finished: the setup is verified.');
  }, 60_000);

  it('signs in as a service app from the package: the JWT layer, shipped apart (dist/deferred/) and loaded on first use, is there', async () => {
    expect(files()).toEqual(expect.arrayContaining(['dist/deferred/jwt.cjs', 'dist/deferred/dpop.cjs']));
    const asServiceApp = { OKTA_API_TOKEN: undefined, OKTA_CLIENT_ID: s.serviceApp.clientId, OKTA_PRIVATE_KEY: s.serviceApp.privateKeyPem };
    const plan = JSON.parse(await run(['okta', '--push-group', 'Engineering', '--dry-run', '--json'], asServiceApp));
    expect(plan).toMatchObject({ formatVersion: 1, command: 'okta' });
  }, 60_000);

  it("never loads Node's own fetch (undici, and the parser it compiles: about 36 MB) while reading and writing both services", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-fetch-'));
    const hook = join(dir, 'hook.cjs');
    const loaded = join(dir, 'loaded.txt');
    writeFileSync(
      hook,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.filter((m) => /undici/.test(m)).join('\\n')));`,
    );
    // A write to Cloudflare (the group's role) and to Okta (the push), each with a JSON body.
    const applied = JSON.parse(
      await run(['okta', '--push-group', 'Sales', '--role', 'Sales=Administrator Read Only', '--yes', '--wait', '20s', '--json'], {
        NODE_OPTIONS: `--require ${hook}`,
      }),
    );
    expect(applied.verification.checks.length).toBeGreaterThan(5);
    expect(readFileSync(loaded, 'utf8')).toBe('');
  }, 60_000);

  it('prepare (which `npx scim-setup` in a clone runs) leaves a fresh build alone: nothing under a running CLI is rewritten (#34 item 16)', async () => {
    const before = statSync(join(ROOT, 'dist', 'index.js')).mtimeMs;
    const listed = readdirSync(join(ROOT, 'dist')).sort();
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT }, (error) => (error ? reject(error) : resolve())),
    );
    expect(statSync(join(ROOT, 'dist', 'index.js')).mtimeMs).toBe(before);
    expect(readdirSync(join(ROOT, 'dist')).sort()).toEqual(listed);
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs --if-stale');
  });

  it("ships no secret: no private key, no token of the sandbox's shapes, in any file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-unpack-'));
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const text = files()
      .filter((f) => !f.endsWith('/'))
      .map((f) => readFileSync(join(dir, 'package', f), 'utf8'))
      .join('\n');
    // A key is its PEM body, not the marker (the bundled SDKs parse PEM, so the marker is in their code).
    expect(/-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{64}/.test(text), 'a private key in the package').toBe(false);
    expect(text.includes(s.env.OKTA_API_TOKEN), 'the sandbox token in the package').toBe(false);
    expect(/\bcfat_[A-Za-z0-9_-]{20,}/.test(text), 'a Cloudflare token in the package').toBe(false);
  });
});
