#!/usr/bin/env node
// Benchmark (not a test): what a run costs beyond starting Node. A converged `okta --dry-run` over
// 87 groups (70 assigned, 17 pushed) against the sandbox, and `--help`, each beside a bare
// `node -e 0`, in pairs (each pair back to back, so that a busy moment weighs on both), medians
// of BENCH_PAIRS pairs; peak memory (maxRSS) from /usr/bin/time. Prints the figures and writes
// its section of docs/performance.md (between the startup markers). Run: npm run bench:startup
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
function measure(argv, env = {}, node = process.execPath) {
  return new Promise((resolve) => {
    const cmd = TIME ? [TIME, ['-f', '%M', node, ...argv]] : [node, argv];
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
// BENCH_BEFORE=<another checkout's bin/scim-setup.js>: its dry run too, in the same pairs, against the same sandbox.
const BEFORE = process.env.BENCH_BEFORE;
// BENCH_ALSO_NODE=<another Node binary> (users run 20, 22 and 24; Node 22.1+ keeps the compiled bundle
// between runs): its bare start and the same dry run too, in the same pairs, each beside the other.
const ALSO = process.env.BENCH_ALSO_NODE;
const alsoVersion = ALSO ? execFileSync(ALSO, ['--version'], { encoding: 'utf8' }).trim() : undefined;
const pairs = { bare: [], dry: [], help: [], bareMb: [], dryMb: [], before: [], beforeMb: [], alsoBare: [], alsoDry: [], alsoDryMb: [] };
for (let i = 0; i < PAIRS; i++) {
  if (ALSO) {
    pairs.alsoBare.push((await measure(['-e', '0'], {}, ALSO)).ms);
    const also = await measure([BIN, 'okta', ...args, '--dry-run'], sandbox.env, ALSO);
    if (also.code !== 0) throw new Error(`the dry run on ${alsoVersion} exited ${also.code}: ${also.stderr.slice(-2000)}`);
    pairs.alsoDry.push(also.ms);
    pairs.alsoDryMb.push(also.mb);
  }
  const bare = await measure(['-e', '0']);
  if (BEFORE) {
    const before = await measure([BEFORE, 'okta', ...args, '--dry-run'], sandbox.env);
    if (before.code !== 0) throw new Error(`the earlier dry run exited ${before.code}: ${before.stderr.slice(-2000)}`);
    pairs.before.push(before.ms);
    pairs.beforeMb.push(before.mb);
  }
  const dry = await measure([BIN, 'okta', ...args, '--dry-run'], sandbox.env);
  if (dry.code !== 0) throw new Error(`dry run exited ${dry.code}: ${dry.stderr.slice(-2000)}`);
  const help = await measure([BIN, '--help']);
  pairs.bare.push(bare.ms);
  pairs.bareMb.push(bare.mb);
  pairs.dry.push(dry.ms);
  pairs.dryMb.push(dry.mb);
  pairs.help.push(help.ms);
}
// Where a dry run's time goes: until Okta or Cloudflare has answered its first request (Node, the
// bundle and both SDKs loaded, and that request), the requests, and the rest (plan, print, exit).
// The sandbox's taps stamp each exchange as it is answered.
let firstAt;
let lastAt;
let count = 0;
for (const server of [sandbox.okta.server, sandbox.cloudflare.server])
  server.taps.push(() => {
    lastAt = performance.now();
    firstAt ??= lastAt;
    count++;
  });
const phases = { first: [], span: [], after: [], count: [], total: [] };
for (let i = 0; i < PAIRS; i++) {
  firstAt = undefined;
  count = 0;
  const started = performance.now();
  const r = await measure([BIN, 'okta', ...args, '--dry-run'], sandbox.env);
  phases.first.push(firstAt - started);
  phases.span.push(lastAt - firstAt);
  phases.after.push(started + r.ms - lastAt);
  phases.count.push(count);
  phases.total.push(r.ms);
}
// The floor under any run that talks to both services: Node, and both clients with their transport
// loaded (the chunks that hold src/okta/client.ts and src/cloudflare/client.ts, found in the build's
// metafile: the SDKs' layers, node-fetch, Node's http, https and zlib). Beside it, what Node's own
// fetch would add, which no run loads (test/e2e/package.test.ts holds it): its module, on reading
// the global Headers, and the WebAssembly HTTP parser it compiles for its first request.
const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'meta.json'), 'utf8'));
const chunkOf = (source) =>
  join(ROOT, Object.entries(meta.outputs).find(([out, o]) => out.endsWith('.js') && Object.keys(o.inputs).some((i) => i.endsWith(source)))?.[0]);
const clients = [chunkOf('src/okta/client.ts'), chunkOf('src/cloudflare/client.ts')];
const floors = { clients: [], headers: [], fetch: [] };
for (let i = 0; i < PAIRS; i++) {
  floors.clients.push((await measure(['--input-type=module', '-e', clients.map((c) => `await import(${JSON.stringify(c)});`).join('')])).mb);
  floors.headers.push((await measure(['-e', 'new Headers()'])).mb);
  floors.fetch.push((await measure(['-e', `fetch(${JSON.stringify(`${sandbox.okta.url}/api/v1/apps`)}).then((r) => r.text())`])).mb);
}
// Whether the dry run loaded Node's fetch: the modules Node loaded, as the process lists them at its exit.
const hook = join(mkdtempSync(join(tmpdir(), 'bench-startup-')), 'loaded.cjs');
writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\nLOADED ' + process.moduleLoadList.filter((m) => /undici/.test(m)).length + '\\n'));");
const probe = await measure(['--require', hook, BIN, 'okta', ...args, '--dry-run'], sandbox.env);
const fetchLoaded = Number(/LOADED (\d+)/.exec(probe.stderr)?.[1] ?? Number.NaN) > 0;
// How many of the build's modules the dry run loaded: each costs Node's ESM loader a resolve, a read and a compile.
// A loader hook (it runs on the loader's thread) names each module of dist/ as it loads.
const hooks = join(dirname(hook), 'count-hooks.mjs');
writeFileSync(
  hooks,
  "export async function load(url, context, next) { if (url.includes('/dist/')) process.stderr.write('\\nMODULE ' + url + '\\n'); return next(url, context); }\n",
);
const counter = join(dirname(hook), 'count.mjs');
writeFileSync(counter, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
const counted = await measure(['--import', counter, BIN, 'okta', ...args, '--dry-run'], sandbox.env);
if (counted.code !== 0) throw new Error(`the counted dry run exited ${counted.code}: ${counted.stderr.slice(-2000)}`);
const modulesLoaded = new Set(counted.stderr.match(/^MODULE .*$/gm)).size;
await sandbox.close();
const bareMb = median(pairs.bareMb);
const clientsMb = median(floors.clients) - bareMb;
const headersMb = median(floors.headers) - bareMb;
const fetchMb = median(floors.fetch) - bareMb;

const bare = median(pairs.bare);
const dry = median(pairs.dry);
const help = median(pairs.help);
const dryMb = Math.max(...pairs.dryMb);
const line =
  `node -e 0 ${bare.toFixed(0)} ms (${median(pairs.bareMb).toFixed(0)} MB); converged dry run over 87 groups ${dry.toFixed(0)} ms, ` +
  `${(dry / bare).toFixed(2)}× node, peak ${dryMb.toFixed(0)} MB; --help ${help.toFixed(0)} ms, ${(help / bare).toFixed(2)}× node`;
console.log(line);
const beforeRow = BEFORE
  ? `| the same dry run, before (${process.env.BENCH_BEFORE_NAME ?? BEFORE}) | ${median(pairs.before).toFixed(0)} ms | ${(median(pairs.before) / bare).toFixed(2)} | ${Math.max(...pairs.beforeMb).toFixed(0)} MB |\n`
  : '';
if (BEFORE)
  console.log(
    `before: ${median(pairs.before).toFixed(0)} ms, ${(median(pairs.before) / bare).toFixed(2)}× node, peak ${Math.max(...pairs.beforeMb).toFixed(0)} MB`,
  );

const alsoRows = ALSO
  ? `| \`node -e 0\` on Node ${alsoVersion} | ${median(pairs.alsoBare).toFixed(0)} ms | 1.00 | |
| the same dry run on Node ${alsoVersion} (the compiled bundle kept between runs) | ${median(pairs.alsoDry).toFixed(0)} ms | ${(median(pairs.alsoDry) / median(pairs.alsoBare)).toFixed(2)} | ${Math.max(...pairs.alsoDryMb).toFixed(0)} MB |
`
  : '';
if (ALSO)
  console.log(
    `on ${alsoVersion}: node -e 0 ${median(pairs.alsoBare).toFixed(0)} ms; dry run ${median(pairs.alsoDry).toFixed(0)} ms, ${(median(pairs.alsoDry) / median(pairs.alsoBare)).toFixed(2)}× its node, peak ${Math.max(...pairs.alsoDryMb).toFixed(0)} MB`,
  );
const section = `<!-- startup -->
## Start-up and memory: a converged dry run beside a bare Node (#37)

Measured by \`npm run bench:startup\` (\`scripts/bench-startup.mjs\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: medians of ${PAIRS}
pairs, each pair back to back; peak memory is the largest maxRSS of the ${PAIRS} dry runs (\`/usr/bin/time\`).

| run | wall | × \`node -e 0\` | peak memory |
|---|---|---|---|
| \`node -e 0\` | ${bare.toFixed(0)} ms | 1.00 | ${median(pairs.bareMb).toFixed(0)} MB |
${beforeRow}| converged \`okta --dry-run\`, 87 groups (17 pushed) | ${dry.toFixed(0)} ms | ${(dry / bare).toFixed(2)} | ${dryMb.toFixed(0)} MB |
| \`scim-setup --help\` | ${help.toFixed(0)} ms | ${(help / bare).toFixed(2)} | |
${alsoRows}
Targets: a converged dry run at most 3× \`node -e 0\` and 64 MB at peak; \`--help\` within 1.2× \`node -e 0\`.
${
  ALSO
    ? `The Node ${alsoVersion} rows come from \`BENCH_ALSO_NODE=<its binary>\` (a binary the npm registry serves: \`npm install node@22\`
in a scratch folder), in the same pairs: it starts in ${median(pairs.alsoBare).toFixed(0)} ms and keeps the bundle's compiled code between runs
(\`module.enableCompileCache\`, \`bin/scim-setup.js\`), so the dry run is faster there and yet further from 3× its far faster bare start.
`
    : ''
}
Where the dry run's time goes (${PAIRS} more runs, ${median(phases.total).toFixed(0)} ms each at the median; the sandbox stamps each
request as it answers it; medians): ${median(phases.first).toFixed(0)} ms until the first request is answered (Node, the bundle and both SDKs loaded,
and that request), ${median(phases.count)} requests over ${median(phases.span).toFixed(0)} ms (Okta's app, groups, mappings and 1,000 app
users; Cloudflare's 1,000 SCIM users in pages, its groups and roles), then ${median(phases.after).toFixed(0)} ms to plan, print and
exit. Node and the requests alone come to ${(bare + median(phases.span)).toFixed(0)} ms, ${((bare + median(phases.span)) / bare).toFixed(2)}× \`node -e 0\`: ${
  bare + median(phases.span) >= 3 * bare
    ? 'past the 3× target before anything is loaded'
    : `${(3 * bare - bare - median(phases.span)).toFixed(0)} ms under the 3× target, for loading the two SDKs and all else`
}.

What the dry run loads: ${modulesLoaded} of the build's modules (44 at \`bc41fd1\`, each a resolve, a read and a
compile of Node's ESM loader): the commands that talk to Okta and Cloudflare load with the program (\`src/cli.ts\`),
and their clients with both SDKs as one module once the inputs are valid (\`src/commands/clients.ts\`). What it asks
at once: Cloudflare's SCIM listings go out beside Okta's app users, as soon as the app is found, and the pushed groups'
members as soon as Okta's assignments are in (they waited, one after the other, on both). What it keeps: each page's
users as the fields it reads (\`okta.list\`'s and \`scimAll\`'s \`keep\`), and records of 1,000 users built in V8's
dictionary mode (\`src/lib/keyed.ts\`: \`Object.fromEntries\` took 5 ms each, walking a hidden class per key).
Loaded only when a run uses them (#37): ora, whose
import (string-width's \`Intl.Segmenter\` and Unicode tables, cli-spinners) cost every run about
30 ms for a spinner only a terminal shows (\`src/lib/spinner.ts\`); the Okta SDK's DPoP, JWT,
multipart, cache and proxy layers and node-fetch's WHATWG URL, built apart as \`dist/deferred/*.cjs\`
(\`scripts/build.mjs\`), so that V8 no longer scans their 1 MB on every run; the proxy tunnel
(https-proxy-agent) only behind a proxy. Never loaded: Node's own fetch (below), which Cloudflare's requests
went through until \`cd1138e\` (328 ms and 104 MB at \`6d50f5a\`, measured the same way).

The memory floor of a run that talks to both services, measured the same way: Node itself
(${bareMb.toFixed(0)} MB), and both clients with their transport loaded (the Okta SDK's HTTP, OAuth and paging layers, the
\`cloudflare\` package's client, node-fetch and Node's http, https and zlib: +${clientsMb.toFixed(0)} MB), ${(bareMb + clientsMb).toFixed(0)} MB
before a byte is read. What is above it is the run's data (1,000 users' SCIM pages, four at a time, and Okta's
app users, 500 a page, each page read whole and kept as the fields read), the code the run compiles, and V8's young generation, which grows as they arrive.

Node's own fetch is not loaded by any run (${fetchLoaded ? '**this dry run did load it**' : 'this dry run did not load it'}; test/e2e/package.test.ts holds it): it would
add +${headersMb.toFixed(0)} MB on the first read of the global \`Headers\` (\`node -e "new Headers()"\`), and +${fetchMb.toFixed(0)} MB in all once a
first request compiles its WebAssembly HTTP parser (\`node -e "fetch(…)"\`). Both clients send over node-fetch and
Node's http (\`src/cloudflare/client.ts\`, as the Okta SDK does), and the \`cloudflare\` package's reads of \`Headers\`
and \`FormData\` are given node-fetch's at build time (\`scripts/fetch-globals.mjs\`).
<!-- /startup -->
`;
const path = join(ROOT, 'docs', 'performance.md');
const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
const kept = current.replace(/<!-- startup -->[\s\S]*<!-- \/startup -->\n?/, '');
writeFileSync(path, `${kept.trimEnd()}\n\n${section}`);
console.log('wrote the start-up section of docs/performance.md');
