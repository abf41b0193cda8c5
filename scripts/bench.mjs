#!/usr/bin/env node
// Benchmark (not a test): how close `scim-setup okta` runs to the rate-limit floor, against the
// sandbox with 50 ms of latency and Okta's paid-org limits, scaled so that it runs in minutes.
// Prints a table and writes docs/performance.md. Run: npm run bench
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { generatedSeed } from '../dist/sandbox/okta/seed.js';
import { OKTA_LIMITS } from '../dist/sandbox/okta/emulator.js';
import { appsBucket, BIN, cli, counts, fmt, resetCounts as reset, ROOT } from './bench-common.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 20);
const LATENCY = 50;
const POOL = 4;
const SIZES = (process.env.BENCH_SIZES ?? '10,100,500').split(',').map(Number);
const appsLimit = OKTA_LIMITS.apps.limit;
// The run's default share of each Okta bucket (--okta-rate-share), below the 60 % at which Okta warns the org's admins.
const SHARE = Number((process.env.BENCH_SHARE ?? '50%').replace('%', '')) / 100;
const appsPerWindow = Math.floor(appsLimit * SHARE);
const rateEvents = (sandbox) => sandbox.okta.state.logs.filter((e) => e.eventType.startsWith('system.org.rate_limit.')).length;
const appsWindowMs = OKTA_LIMITS.apps.windowMs / SCALE;
const byKind = (c) =>
  Object.entries(c.byRoute)
    .map(([k, v]) => `${v} ${k}`)
    .join('; ');

const results = [];
for (const size of SIZES) {
  const sandbox = await startSandbox({
    seed: generatedSeed(10_000, Math.max(600, size + 10)),
    latencyMs: LATENCY,
    rateLimitScale: SCALE,
    connectionApi: 'supported',
    provisioningDelayMs: 3_600_000,
  });
  const names = Array.from({ length: size }, (_, i) => `Team ${String(i + 1).padStart(4, '0')}`);
  const pushed = names.slice(0, Math.floor(size / 5));
  const args = [
    'okta',
    ...names.slice(pushed.length).flatMap((n) => ['--assign-group', n]),
    ...pushed.flatMap((n) => ['--push-group', n]),
    '--yes',
    '--no-verify',
    '--json',
    '--wait',
    '5m',
    '--max-wait',
    '2m',
    '--okta-rate-share',
    `${SHARE * 100}%`,
  ];
  // The run's start-up: from its spawn to its first request's answer, less that answer's latency
  // (the sandbox stamps each exchange as it answers it). The floor does not count it.
  let firstAnswer;
  for (const server of [sandbox.okta.server, sandbox.cloudflare.server]) server.taps.push(() => (firstAnswer ??= performance.now()));
  const spawned = performance.now();
  const run = await cli(args, sandbox.env);
  const startupMs = firstAnswer - spawned - LATENCY;
  if (run.code !== 0) throw new Error(`okta failed for ${size} groups: ${run.stderr.slice(-2000)}`);
  const okta = await counts(sandbox.okta.url);
  const cf = await counts(sandbox.cloudflare.url);
  const actions = JSON.parse(run.stdout).applied.length;
  // Necessary: the reads the plan needs (apps list, group search at 40 names a request), each
  // planned write, and the provisioning readback (features PUT, app GET).
  const searches = Math.ceil(size / 40);
  const necessary = 1 + searches + actions + 2;
  const appsNecessary = 1 + actions + 2;
  // Okta's windows are fixed: the requests past one window's share wait for the next window.
  const rateFloor = (Math.ceil(appsNecessary / appsPerWindow) - 1) * appsWindowMs;
  const peakPercent = okta.peakPercent.apps ?? 0;
  const events = rateEvents(sandbox);
  const rounds = 2 + 1 + 3 + Math.ceil((size - 0) / POOL) + Math.ceil(pushed.length / POOL);
  const latencyFloor = rounds * LATENCY;
  const floor = Math.max(rateFloor, latencyFloor);
  await reset(sandbox.okta.url);
  await reset(sandbox.cloudflare.url);
  const dry = await cli(args.filter((a) => a !== '--yes' && a !== '--no-verify').concat('--dry-run'), sandbox.env);
  const dryOkta = await counts(sandbox.okta.url);
  const dryCf = await counts(sandbox.cloudflare.url);
  results.push({
    size,
    pushed: pushed.length,
    ms: run.ms,
    startupMs,
    rssMb: run.rssMb,
    okta,
    cf,
    necessary,
    appsNecessary,
    appsMade: appsBucket(okta),
    floor,
    rateFloor,
    latencyFloor,
    peakPercent,
    events,
    dry: { ms: dry.ms, okta: dryOkta, cf: dryCf },
  });
  console.log(
    `${size} groups (${pushed.length} pushed): ` +
      `${okta.total + cf.total} requests (${necessary} ` +
      `necessary), ${okta.rateLimited + cf.rateLimited} × 429, wall ${fmt(run.ms)}, ` +
      `floor ${fmt(floor)}, ratio ${(run.ms / floor).toFixed(2)}, peak ${run.rssMb.toFixed(0)} ` +
      `MB; peak ${peakPercent}% of an apps window, ${events} rate-limit events; dry run ${dryOkta.total + dryCf.total} requests in ${fmt(dry.ms)}`,
  );
  await sandbox.close();
}

// verify over 10,000 members: everyone assigned (one group), provisioning done, then one look.
// Provisioning 10,000 users takes 20,000 SCIM requests: made without latency, then verify is measured with it.
const big = await startSandbox({
  seed: generatedSeed(10_000, 1),
  rateLimitScale: SCALE,
  cloudflareRateLimits: false,
  connectionApi: 'supported',
  provisioningDelayMs: 10,
});
const setup = await cli(['okta', '--push-group', 'Team 0001', '--yes', '--no-verify', '--wait', '5m'], big.env);
if (setup.code !== 0) throw new Error(setup.stderr);
await big.okta.engine.idle();
big.okta.server.setLatency(LATENCY);
big.cloudflare.server.setLatency(LATENCY);
await reset(big.okta.url);
await reset(big.cloudflare.url);
const verify = await cli(['verify', '--json'], big.env);
const vOkta = await counts(big.okta.url);
const vCf = await counts(big.cloudflare.url);
const members = big.cloudflare.state.members.size;
await big.close();
console.log(
  `verify over ${members} members: exit ${verify.code}, ${vOkta.total} Okta + ${vCf.total} Cloudflare requests, ${fmt(verify.ms)}, peak ${verify.rssMb.toFixed(0)} MB`,
);

// --help against a bare node.
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timeOf = (argv) => {
  const t = performance.now();
  spawnSync(process.execPath, argv, { stdio: 'ignore' });
  return performance.now() - t;
};
const help = median(Array.from({ length: 11 }, () => timeOf([BIN, '--help'])));
const bare = median(Array.from({ length: 11 }, () => timeOf(['-e', '0'])));
console.log(`--help ${help.toFixed(0)} ms, node -e 0 ${bare.toFixed(0)} ms, ratio ${(help / bare).toFixed(2)}`);

const rows = results.map(
  (r) =>
    `| ${r.size} (${r.pushed} pushed) | ${byKind(r.okta)}; Cloudflare: ${byKind(r.cf)} | ${r.necessary} ` +
    `| ${r.appsMade} / ${r.appsNecessary} | ${fmt(r.floor)} (rate ${fmt(r.rateFloor)}, latency ` +
    `${fmt(r.latencyFloor)}) | ${fmt(r.ms)} | ${(r.ms / r.floor).toFixed(2)} | ` +
    `${((r.ms - r.startupMs) / r.floor).toFixed(2)} | ` +
    `${r.okta.rateLimited + r.cf.rateLimited} | ${r.peakPercent}% | ${r.events} | ${r.rssMb.toFixed(0)} MB |`,
);
const dryRows = results.map((r) => `| ${r.size} | ${r.dry.okta.total} Okta (${byKind(r.dry.okta)}) + ${r.dry.cf.total} Cloudflare | ${fmt(r.dry.ms)} |`);
const ratios = results.map((r) => `${r.size} groups ${(r.ms / r.floor).toFixed(2)}×`).join(', ');
const limited = results.reduce((n, r) => n + r.okta.rateLimited + r.cf.rateLimited, 0);
const warned = results.reduce((n, r) => n + r.events, 0);
const peak = Math.max(...results.map((r) => r.peakPercent));
const md = `# Performance

Measured by \`npm run bench\` (\`scripts/bench.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, against the
sandbox with ${LATENCY} ms of latency on every request and Okta's paid-org limits (${appsLimit} requests a minute to all
of \`/api/v1/apps*\`), every window shortened ${SCALE} times (\`BENCH_SCALE\`) so that the run takes minutes: one
"minute" of Okta's budget lasts ${appsWindowMs / 1000} s here. The org has 10,000 users. Provisioning is held back during
the \`okta\` runs so that only the CLI's own requests are measured; \`--no-verify\` (verify is measured on its own).

Every run is paced to ${SHARE * 100} % of each Okta bucket (\`--okta-rate-share\`, the default; \`BENCH_SHARE\` to vary it), so that
it never passes the 60 % at which Okta writes \`system.org.rate_limit.warning\` and e-mails the org's admins.

The floor is max(the whole windows the necessary apps-bucket requests span beyond the first, at ${appsPerWindow} a window
(Okta's windows are fixed: a request past a window's share waits for the next window), the critical path of round trips ×
latency), where the critical path is the reads, the app, the provisioning connection and its readback, then the
assignments and pushes ${POOL} at a time. Necessary requests: the apps list, one group search per 40 names, every planned
write, and the provisioning readback.

## \`scim-setup okta\` from nothing

| groups | requests made, by kind | necessary | apps bucket made / necessary | floor at the share | wall | wall / floor | (wall − start-up) / floor | 429s | largest share of an apps window | rate-limit events | peak memory |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

## \`--dry-run\` on the converged setup (pages, plus one read a pushed group to tell drift)

| groups | requests | wall |
|---|---|---|
${dryRows.join('\n')}

## \`scim-setup verify\` over ${members} Cloudflare members

${vOkta.total} Okta requests (${byKind(vOkta)}) and ${vCf.total} Cloudflare requests (${byKind(vCf)}) in ${fmt(verify.ms)},
peak memory ${verify.rssMb.toFixed(0)} MB, exit code ${verify.code}. SCIM \`/Users\` is read 100 a page (the most Cloudflare
returns), the members list (50 a page) only when someone active in Cloudflare is no longer assigned in Okta.

## Start-up

\`scim-setup --help\`: ${help.toFixed(0)} ms, against ${bare.toFixed(0)} ms for \`node -e 0\` (median of 11): ratio ${(help / bare).toFixed(2)}.
Neither \`--help\` nor an input error loads the Okta or Cloudflare SDK.

## Targets

- No rate-limit event in any size (Okta's warning e-mails the org's admins): ${warned} written; the largest share of
  one apps window used was ${peak} %, everyone's requests counted, against the 60 % threshold.
- Wall within 1.2× the floor at the share, no 429 reaching a retry: ${ratios}; 429s: ${limited}.
  Where it is missed at small sizes, the floor is a few round trips and what it leaves out weighs most: start-up
  (from its spawn to its first request, Node, the bundle and both SDKs take ${results.map((r) => `${r.startupMs.toFixed(0)} ms`).join(', ')}, each
  size's run in order, measured in the run itself; the column "(wall − start-up) / floor"), and round trips the
  critical path above does not count, among them the SCIM token's write proof (its record, read with
  CLOUDFLARE_API_TOKEN: two reads, one after the other) and the apps list read again after the app is made. At the largest size the floor is the apps bucket's rate, and what is left
  over is the pacing granularity: Okta's reset is given in whole seconds, so the client waits up to a second past it.
  The rate floor counts whole windows from the first request's: a run that begins late in a window ends up to one
  window sooner, which is how a wall can come in under it.
  The extra apps-bucket read over the plan's needs is the list after creating the app that catches a racing run.
- A dry run on a converged setup grows with pages, and with pushed groups: group names are searched 40 a request, app
  groups read 200 a page and app users 500 a page (the apps bucket); then, to tell drift (a difference Okta reports as
  done) from work in flight, each pushed group's members are read once (the groups bucket, not the scarce apps bucket)
  and Cloudflare's SCIM users and groups a page each (a group's members come with the users). Only an app that already
  provisions is compared; the request policy paces these reads by the rate-limit headers like any other.
- verify over 10,000 members in the minimum pages: SCIM \`/Users\` at 100 a page (${Math.ceil(members / 100)} pages), fetched 4 at a time.
- \`--help\` within 1.5× a bare \`node -e 0\`: ${(help / bare).toFixed(2)}×.
- Peak memory under 200 MB at 10,000 users: the runs above peak at ${Math.max(verify.rssMb, ...results.map((r) => r.rssMb)).toFixed(0)} MB, of which about
  130 MB is the Okta SDK itself once loaded (\`node -e "require('@okta/okta-sdk-nodejs')"\` alone); the run's own data
  stays small because only the pages needed are kept.

Reproduce: \`npm run bench\` (\`BENCH_SIZES=10,100\` and \`BENCH_SCALE\` to vary it).
`;
// The package, verify, fleet, start-up and suite sections are measured apart: kept as they were.
const performancePath = join(ROOT, 'docs', 'performance.md');
const current = existsSync(performancePath) ? readFileSync(performancePath, 'utf8') : '';
const kept = ['package', 'verify', 'fleet', 'startup', 'suite'].flatMap(
  (name) => new RegExp(`<!-- ${name} -->[\\s\\S]*<!-- \\/${name} -->\\n?`).exec(current)?.[0] ?? [],
);
writeFileSync(performancePath, `${[md.trimEnd(), ...kept.map((k) => k.trimEnd())].join('\n\n')}\n`);
console.log('wrote docs/performance.md');
