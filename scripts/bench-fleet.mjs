#!/usr/bin/env node
// Benchmark (not a test) of a fleet run (#26): `scim-setup okta --config fleet.yaml` over 1, 5 and 20
// Cloudflare accounts, 10 groups each (2 pushed), against the sandbox with 50 ms of latency and Okta's
// paid-org limits with windows shortened BENCH_SCALE times. Every account draws on the one Okta org's
// budget, so the floor counts the shared apps bucket. Prints a table and writes its section of
// docs/performance.md (between the fleet markers; `npm run bench` keeps it). Run: npm run bench:fleet
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { generatedSeed } from '../dist/sandbox/okta/seed.js';
import { OKTA_LIMITS } from '../dist/sandbox/okta/emulator.js';
import { appsBucket, cli, counts, fmt, ROOT } from './bench-common.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 20);
const LATENCY = 50;
const POOL = 4;
const FLEETS = (process.env.BENCH_FLEETS ?? '1,5,20').split(',').map(Number);
const GROUPS = 10;
const PUSHED = 2;
const appsLimit = OKTA_LIMITS.apps.limit;
// The accounts share one Okta client, and so one share of each bucket (--okta-rate-share, 50 % by default).
const SHARE = Number((process.env.BENCH_SHARE ?? '50%').replace('%', '')) / 100;
const appsPerWindow = Math.floor(appsLimit * SHARE);
const appsWindowMs = OKTA_LIMITS.apps.windowMs / SCALE;

const results = [];
for (const size of FLEETS) {
  const sandbox = await startSandbox({
    accounts: size,
    seed: generatedSeed(1_000, GROUPS * size),
    latencyMs: LATENCY,
    rateLimitScale: SCALE,
    connectionApi: 'supported',
    provisioningDelayMs: 3_600_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const env = { OKTA_ORG_URL: sandbox.env.OKTA_ORG_URL, OKTA_API_TOKEN: sandbox.env.OKTA_API_TOKEN };
  const lines = ['okta:', `  orgUrl: ${sandbox.env.OKTA_ORG_URL}`, 'cloudflare:', `  apiBaseUrl: ${sandbox.env.CLOUDFLARE_API_BASE_URL}`, 'accounts:'];
  sandbox.accounts.forEach((a, i) => {
    const names = Array.from({ length: GROUPS }, (_, g) => `"Team ${String(i * GROUPS + g + 1).padStart(4, '0')}"`);
    env[`SCIM_TOKEN_${i + 1}`] = a.env.CLOUDFLARE_SCIM_TOKEN;
    lines.push(
      `  - { name: a${i + 1}, accountId: ${a.accountId}, scimTokenEnv: SCIM_TOKEN_${i + 1}, ` +
        `pushGroups: [${names.slice(0, PUSHED).join(', ')}], assignGroups: [${names.slice(PUSHED).join(', ')}] }`,
    );
  });
  const config = join(dir, 'fleet.yaml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const run = await cli(
    ['okta', '--config', config, '--yes', '--no-verify', '--json', '--wait', '5m', '--max-wait', '2m', '--okta-rate-share', `${SHARE * 100}%`],
    env,
  );
  if (run.code !== 0) throw new Error(`okta failed for ${size} accounts: ${run.stderr.slice(-2000)}`);
  const okta = await counts(sandbox.okta.url);
  const cf = await counts(sandbox.cloudflare.url);
  const applied = JSON.parse(run.stdout).accounts.reduce((n, a) => n + a.applied.length, 0);
  // Necessary in the apps bucket, per account: the apps list, every planned write, the provisioning readback.
  const appsNecessary = size + applied + 2 * size;
  // Okta's windows are fixed: the requests past one window's share wait for the next window. The accounts share it.
  const rateFloor = (Math.ceil(appsNecessary / appsPerWindow) - 1) * appsWindowMs;
  const peakPercent = okta.peakPercent.apps ?? 0;
  const events = sandbox.okta.state.logs.filter((e) => e.eventType.startsWith('system.org.rate_limit.')).length;
  // One account's critical path: reads, the app, its connection and readback, then assignments and pushes 4 at a time.
  const latencyFloor = (2 + 1 + 3 + Math.ceil(GROUPS / POOL) + Math.ceil(PUSHED / POOL)) * LATENCY;
  const floor = Math.max(rateFloor, latencyFloor);
  results.push({ size, ms: run.ms, okta, cf, appsMade: appsBucket(okta), appsNecessary, rateFloor, latencyFloor, floor, peakPercent, events });
  console.log(
    `${size} accounts: ${okta.total} Okta + ${cf.total} Cloudflare requests (apps bucket ${appsBucket(okta)}, ${appsNecessary} necessary), ` +
      `${okta.rateLimited + cf.rateLimited} × 429, wall ${fmt(run.ms)}, floor ${fmt(floor)}, ratio ${(run.ms / floor).toFixed(2)}, ` +
      `peak ${peakPercent}% of an apps window, ${events} rate-limit events`,
  );
  await sandbox.close();
}

const rows = results.map(
  (r) =>
    `| ${r.size} | ${r.okta.total} Okta (apps bucket ${r.appsMade} / ${r.appsNecessary} necessary) + ${r.cf.total} Cloudflare | ` +
    `${fmt(r.floor)} (rate ${fmt(r.rateFloor)}, latency ${fmt(r.latencyFloor)}) | ${fmt(r.ms)} | ${(r.ms / r.floor).toFixed(2)} | ${r.okta.rateLimited + r.cf.rateLimited} | ${r.peakPercent}% | ${r.events} |`,
);
const section = `<!-- fleet -->
## A fleet: \`scim-setup okta --config fleet.yaml\` over many accounts (#26)

Measured by \`npm run bench:fleet\` (\`scripts/bench-fleet.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: the
same sandbox (${LATENCY} ms latency, Okta's limits with windows ${SCALE} times shorter: ${appsLimit} requests to \`/api/v1/apps*\` every
${appsWindowMs / 1000} s), every account from nothing with ${GROUPS} groups (${PUSHED} pushed), its SCIM token given, \`--no-verify\`.
All accounts share one Okta org and so one budget, and the run's one share of it (${SHARE * 100} %, \`--okta-rate-share\`): the
floor is max(the whole apps-bucket windows the necessary requests of all accounts span beyond the first, at
${appsPerWindow} a window, one account's critical path of round trips × latency).

| accounts | requests | floor at the share | wall | wall / floor | 429s | largest share of an apps window | rate-limit events |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Target: no rate-limit event, and within 1.2× the floor at 20 accounts, no 429 reaching a retry. Where a small fleet misses it,
what the floor leaves out weighs most, as for one account above: start-up (Node, the bundle and both SDKs before the first
request, about 150–175 ms), and round trips off its critical path; the one apps-bucket read per account beyond the necessary
is the list after creating the app that catches a racing run. The rate floor counts whole windows from the first request's:
a fleet that begins late in a window ends up to one window sooner, which is how a wall can come in under it.
<!-- /fleet -->
`;
const path = join(ROOT, 'docs', 'performance.md');
const current = readFileSync(path, 'utf8');
const kept = current.replace(/<!-- fleet -->[\s\S]*<!-- \/fleet -->\n?/, '');
writeFileSync(path, `${kept.trimEnd()}\n\n${section}`);
console.log('wrote the fleet section of docs/performance.md');
