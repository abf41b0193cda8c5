#!/usr/bin/env node
// Benchmark (not a test): what a run costs beyond starting Node. A converged `okta --dry-run` over
// 87 groups (70 assigned, 17 pushed) against the sandbox, and `--help`, each beside a bare
// `node -e 0`, in pairs (each pair back to back, so that a busy moment weighs on both), medians
// of BENCH_PAIRS pairs; peak memory (maxRSS) from /usr/bin/time. Prints the figures and writes
// its section of docs/performance.md (between the startup markers). Run: npm run bench:startup
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { generatedSeed } from '../dist/sandbox/okta/seed.js';
import { BIN, cli, ROOT } from './bench-common.mjs';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const GROUPS = Array.from({ length: 87 }, (_, i) => `Team ${String(i + 1).padStart(4, '0')}`);
const args = [...GROUPS.slice(17).flatMap((g) => ['--assign-group', g]), ...GROUPS.slice(0, 17).flatMap((g) => ['--push-group', g])];

// Windows 20 times shorter (Okta's 100 a minute as 100 in 3 s): the set-up's requests leave no window the measured runs wait on.
const sandbox = await startSandbox({
  provisioningDelayMs: 50,
  seed: generatedSeed(1000, 87),
  connectionApi: 'supported',
  rateLimitScale: 20,
  cloudflareRateLimits: false,
});
const setup = await cli(['okta', ...args, '--yes', '--wait', '2m', '--no-verify'], sandbox.env);
if (setup.code !== 0) throw new Error(`setup failed: ${setup.stderr.slice(-2000)}`);
await sandbox.okta.engine.idle();
await new Promise((resolve) => setTimeout(resolve, 3_000));

/** One process, spawned without blocking (the sandbox answering it lives in this process): wall ms and peak RSS in MB. */
function measure(argv, env = {}) {
  return new Promise((resolve) => {
    const cmd = TIME ? [TIME, ['-f', '%M', process.execPath, ...argv]] : [process.execPath, argv];
    const started = performance.now();
    const child = spawn(cmd[0], cmd[1], { env: { ...process.env, ...env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const kb = TIME ? Number(stderr.trim().split('\n').pop()) : Number.NaN;
      resolve({ ms, mb: kb / 1024, code, stderr });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pairs = { bare: [], dry: [], help: [], bareMb: [], dryMb: [] };
for (let i = 0; i < PAIRS; i++) {
  const bare = await measure(['-e', '0']);
  const dry = await measure([BIN, 'okta', ...args, '--dry-run'], sandbox.env);
  if (dry.code !== 0) throw new Error(`dry run exited ${dry.code}: ${dry.stderr.slice(-2000)}`);
  const help = await measure([BIN, '--help']);
  pairs.bare.push(bare.ms);
  pairs.bareMb.push(bare.mb);
  pairs.dry.push(dry.ms);
  pairs.dryMb.push(dry.mb);
  pairs.help.push(help.ms);
}
await sandbox.close();

const bare = median(pairs.bare);
const dry = median(pairs.dry);
const help = median(pairs.help);
const dryMb = Math.max(...pairs.dryMb);
const line =
  `node -e 0 ${bare.toFixed(0)} ms (${median(pairs.bareMb).toFixed(0)} MB); converged dry run over 87 groups ${dry.toFixed(0)} ms, ` +
  `${(dry / bare).toFixed(2)}× node, peak ${dryMb.toFixed(0)} MB; --help ${help.toFixed(0)} ms, ${(help / bare).toFixed(2)}× node`;
console.log(line);

const section = `<!-- startup -->
## Start-up and memory: a converged dry run beside a bare Node (#37)

Measured by \`npm run bench:startup\` (\`scripts/bench-startup.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: medians of ${PAIRS}
pairs, each pair back to back; peak memory is the largest maxRSS of the ${PAIRS} dry runs (\`/usr/bin/time\`).

| run | wall | × \`node -e 0\` | peak memory |
|---|---|---|---|
| \`node -e 0\` | ${bare.toFixed(0)} ms | 1.00 | ${median(pairs.bareMb).toFixed(0)} MB |
| converged \`okta --dry-run\`, 87 groups (17 pushed) | ${dry.toFixed(0)} ms | ${(dry / bare).toFixed(2)} | ${dryMb.toFixed(0)} MB |
| \`scim-setup --help\` | ${help.toFixed(0)} ms | ${(help / bare).toFixed(2)} | |

Targets: a converged dry run at most 3× \`node -e 0\` and 64 MB at peak; \`--help\` within 1.2× \`node -e 0\`.
<!-- /startup -->
`;
const path = join(ROOT, 'docs', 'performance.md');
const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
const kept = current.replace(/<!-- startup -->[\s\S]*<!-- \/startup -->\n?/, '');
writeFileSync(path, `${kept.trimEnd()}\n\n${section}`);
console.log('wrote the start-up section of docs/performance.md');
