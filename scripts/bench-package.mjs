#!/usr/bin/env node
// Benchmark (not a test): the package as `npx` meets it, bundled (what ships) against the
// unbundled build (tsc output with the SDKs as runtime dependencies), measured in one run:
// installed size and packages from the packed tarball in an empty folder, install time,
// `okta --dry-run` on a converged sandbox, `--help` against `node -e 0`, and peak memory of an
// `okta` run at 10,000 users. Prints a table and appends it to docs/performance.md.
// Run after a build: node scripts/bench-package.mjs (npm run bench runs it).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { generatedSeed } from '../dist/sandbox/okta/seed.js';

const ROOT = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** What the unbundled package needed at run time, before the bundle. */
const RUNTIME = ['@commander-js/extra-typings', '@okta/okta-sdk-nodejs', 'chalk', 'cloudflare', 'commander', 'https-proxy-agent', 'node-fetch', 'ora', 'yaml'];
const REPEAT = 5;

function duSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? duSize(path) : statSync(path).size;
  }
  return total;
}

function countPackages(nodeModules) {
  let n = 0;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) n += readdirSync(join(nodeModules, entry)).length;
    else n += 1;
  }
  return n;
}

/** The unbundled variant: tsc output and the runtime dependencies, packed like the real package. */
function unbundledTarball(out) {
  const dir = mkdtempSync(join(tmpdir(), 'scim-unbundled-'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
    stdio: 'inherit',
  });
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  const deps = Object.fromEntries(
    RUNTIME.map((name) => [name, `^${JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version}`]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'scim-setup', version: pkg.version, type: 'module', bin: pkg.bin, files: ['bin/', 'dist/'], dependencies: deps }),
  );
  return pack(dir, out);
}

function pack(dir, out) {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }));
  return join(out, packed.filename);
}

function install(tarball) {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bench-install-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}');
  const started = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: dir, stdio: 'ignore' });
  const ms = performance.now() - started;
  return { dir, ms, bytes: duSize(join(dir, 'node_modules')), packages: countPackages(join(dir, 'node_modules')) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One run under /usr/bin/time, asynchronously: the sandbox it talks to lives in this process. Its screen is shown to
 * the sandbox's emulated admin (`admin`), who does a guided step only from what a person would read there.
 */
function timed(argv, env, admin) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv], { env: { ...process.env, ...env, CI: 'true' } });
    let stderr = '';
    child.stdout.on('data', (d) => admin?.sees(String(d), 'stdout'));
    child.stderr.on('data', (d) => {
      stderr += d;
      admin?.sees(String(d), 'stderr');
    });
    child.on('exit', (status) => resolve({ status, ms: performance.now() - started, rssKb: Number(stderr.trim().split('\n').pop()), stderr }));
  });
}

/** Wall time (median of REPEAT) and peak memory (max RSS) of a command. */
async function measure(argv, env, admin) {
  const times = [];
  let rssKb = 0;
  for (let i = 0; i < REPEAT; i++) {
    const r = await timed(argv, env, admin);
    times.push(r.ms);
    rssKb = Math.max(rssKb, r.rssKb);
    if (r.status !== 0 && !argv.includes('--help') && argv[1] !== '-e') throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-1000)}`);
  }
  return { ms: median(times), rssMb: rssKb / 1024 };
}

const out = mkdtempSync(join(tmpdir(), 'scim-bench-pack-'));
mkdirSync(out, { recursive: true });
const variants = [
  ['bundled (ships)', install(pack(ROOT, out))],
  ['unbundled (before)', install(unbundledTarball(out))],
];
const bin = (dir) => join(dir, 'node_modules', '.bin', 'scim-setup');

const converged = await startSandbox({ admin: 'auto', provisioningDelayMs: 50, adminDelayMs: 100 });
await timed(
  [process.execPath, join(ROOT, 'bin', 'scim-setup.js'), 'okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--yes', '--wait', '30s'],
  converged.env,
  converged.admin,
);
const big = await startSandbox({ admin: 'auto', adminDelayMs: 50, provisioningDelayMs: 50, seed: generatedSeed(10_000, 100), rateLimits: false });
const bare = await measure([process.execPath, '-e', '0'], {});

const rows = [];
for (const [name, v] of variants) {
  const dryRun = await measure([bin(v.dir), 'okta', '--push-group', 'Engineering', '--assign-group', 'Sales', '--dry-run'], converged.env);
  const help = await measure([bin(v.dir), '--help'], {});
  // A real run at 10,000 users: the verification reads every SCIM user and every member.
  const bigRun = await measure([bin(v.dir), 'okta', '--assign-group', 'Team 0001', '--yes', '--wait', '60s'], big.env, big.admin);
  rows.push({
    name,
    installedMb: v.bytes / 1e6,
    packages: v.packages,
    installS: v.ms / 1000,
    dryRunMs: dryRun.ms,
    helpRatio: help.ms / bare.ms,
    peakMb: bigRun.rssMb,
  });
}
await Promise.all([converged.close(), big.close()]);

const [now, before] = rows;
const table = [
  '| | installed size | packages | install (from tarball) | `okta --dry-run`, converged | `--help` / `node -e 0` | peak memory, `okta` at 10,000 users |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.installedMb.toFixed(1)} MB | ${r.packages} | ${r.installS.toFixed(1)} s | ${Math.round(r.dryRunMs)} ms | ${r.helpRatio.toFixed(2)}× | ${Math.round(r.peakMb)} MB |`,
  ),
  `| target | ≤ 15 MB | ≤ 3 | | ≤ 0.6× before (${(now.dryRunMs / before.dryRunMs).toFixed(2)}×) | ≤ 1.2× | ≤ 150 MB |`,
];
const text = [`## The package (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, median of ${REPEAT})`, '', ...table, ''].join('\n');
console.log(text);
// Its own section of docs/performance.md, replaced in place (the other benchmarks keep theirs).
const path = join(ROOT, 'docs', 'performance.md');
const current = readFileSync(path, 'utf8');
const section = `<!-- package -->\n${text.trimEnd()}\n<!-- /package -->`;
writeFileSync(
  path,
  /<!-- package -->[\s\S]*<!-- \/package -->/.test(current)
    ? current.replace(/<!-- package -->[\s\S]*<!-- \/package -->/, section)
    : `${current.trimEnd()}\n\n${section}\n`,
);
