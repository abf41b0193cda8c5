#!/usr/bin/env node
// Benchmark (not a test): does verification cry wolf? Many fresh healthy setups (guided and by-API
// provisioning, assigned and pushed groups) with the sandbox's real-timing options on and the CPU
// loaded by busy loops, each looked at while provisioning is under way and after; then broken
// setups under the same timing, each of which must be caught. Prints the figures; target: 0 false
// failures in at least 100 healthy runs and looks, and every broken setup caught.
// Every setup plays one world of the sandbox's variants (#35: the readings of what the vendors leave
// open), the pairwise matrix in turn; the figures are given per world.
// Run: npm run bench:verify   (BENCH_SETUPS=25 setups of 4 runs and looks each; BENCH_LOAD=2 busy loops)
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guideProvisioning } from '../dist/sandbox/admin.js';
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { jitter } from '../dist/sandbox/timing.js';
import { pairwiseVariants } from '../dist/lib/sandbox-variants.js';

const WORLDS = pairwiseVariants();
const worldName = (w) =>
  Object.entries(w)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'scim-setup.js');
const SETUPS = Number(process.env.BENCH_SETUPS ?? 25);
const LOAD = Number(process.env.BENCH_LOAD ?? 2);
const POOL = 2;

/** A run of the CLI, its screen shown to the sandbox's emulated admin, who acts only on what a person would read there. */
function cli(args, s, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { env: { ...process.env, ...s.env, ...env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      s.admin?.sees(String(d), 'stdout');
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      s.admin?.sees(String(d), 'stderr');
    });
    child.on('exit', (code) => {
      let doc;
      try {
        doc = JSON.parse(stdout);
      } catch {}
      resolve({ code, doc, stderr });
    });
  });
}

/** Busy loops beside the bench, as other jobs on a shared CI runner. */
function loadCpu(n) {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

/** Each setup draws its own timing from a seeded sequence: the same figures on every run of the bench. */
const draw = jitter(1_000_000, 20261130);
const between = (lo, hi) => lo + (draw() / 1_000_000) * (hi - lo);
function timingFor(i) {
  return {
    cloudflareListingLagMs: Math.round(between(0, 3_000)),
    oktaStampOffsetMs: Math.round(between(-3_000, 2_000)),
    oktaClockSkewMs: Math.round(between(-60_000, 60_000)),
    cloudflareClockSkewMs: Math.round(between(-60_000, 60_000)),
    jitterMs: Math.round(between(0, 100)),
    jitterSeed: i + 1,
  };
}

const failedChecks = (doc) => (doc?.checks ?? doc?.verification?.checks ?? []).filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.summary}`);

async function healthySetup(i) {
  const variant = { api: i % 2 === 1, push: i % 4 >= 2 };
  const timing = timingFor(i);
  // Worlds turn slower than the variant above, so that every world meets both kinds of provisioning.
  const world = WORLDS[Math.floor(i / 2) % WORLDS.length];
  const s = await startSandbox({
    variants: world,
    admin: 'auto',
    adminDelayMs: 300,
    provisioningDelayMs: 1_000,
    connectionApi: variant.api ? 'supported' : 'unsupported',
    timing,
  });
  const groups = variant.push ? ['--push-group', 'Engineering', '--assign-group', 'Sales'] : ['--assign-group', 'Sales', '--assign-group', 'Support'];
  const outcomes = [];
  const look = (name, r, ok) => outcomes.push({ name, code: r.code, ok: ok(r.code), failed: failedChecks(r.doc), stderr: r.stderr.slice(-400) });
  try {
    look('okta (apply, no verify)', await cli(['okta', ...groups, '--yes', '--no-verify', '--wait', '60s'], s), (c) => c === 0);
    look('verify, one look in flight', await cli(['verify'], s), (c) => c === 0 || c === 3);
    look('verify --wait', await cli(['verify', '--wait', '90s'], s), (c) => c === 0);
    look('okta again (plans nothing, verifies)', await cli(['okta', ...groups, '--yes', '--wait', '90s'], s), (c) => c === 0);
  } finally {
    await s.close();
  }
  return { variant, world: worldName(world), timing, outcomes };
}

/** Broken setups, made the ways they happen in life, under real timing: each must fail (1 or 4), never pass or stay pending. */
const BROKEN = [
  [
    'a revoked SCIM token',
    async (s) =>
      fetch(`${s.cloudflare.url}/__sandbox/tokens/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: s.env.CLOUDFLARE_SCIM_TOKEN }),
      }),
  ],
  [
    'a member deactivated in Cloudflare',
    async (s) => scim(s, 'PATCH', `/Users/${scimUserId(s, 'Engineering')}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }),
  ],
  [
    'a member dropped from a pushed group',
    async (s) =>
      scim(s, 'PATCH', `/Groups/${scimGroupId(s, 'Engineering')}`, {
        schemas: [PATCH],
        Operations: [{ op: 'remove', path: `members[value eq "${scimUserId(s, 'Engineering')}"]` }],
      }),
  ],
  ['a pushed group deleted in Cloudflare', async (s) => scim(s, 'DELETE', `/Groups/${scimGroupId(s, 'Engineering')}`)],
  [
    'Update User Attributes turned on',
    async (s) => s.okta.setProvisioning(app(s).id, { ...guideProvisioning(s.scimBaseUrl, s.env.CLOUDFLARE_SCIM_TOKEN), updateUserAttributes: true }),
  ],
  ['the app deactivated in Okta', async (s) => okta(s, 'POST', `/api/v1/apps/${app(s).id}/lifecycle/deactivate`)],
  [
    // Wherever Cloudflare refuses its writes (the variant scimWriteRefusal), a token that may only read is no SCIM token.
    'a read-only token as the SCIM token',
    async (s) => ({ env: { CLOUDFLARE_SCIM_TOKEN: s.cloudflare.state.addToken('read only', ['accountRead']).value } }),
  ],
];
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const app = (s) => [...s.okta.state.apps.values()][0];
const scimGroupId = (s, name) => [...s.cloudflare.state.userGroups.values()].find((g) => g.name === name && g.scim).id;
function scimUserId(s, group) {
  const g = [...s.cloudflare.state.userGroups.values()].find((x) => x.name === group && x.scim);
  const memberId = [...g.members][0];
  return [...s.cloudflare.state.scimUsers.values()].find((u) => u.memberId === memberId).id;
}
const scim = (s, method, path, body) =>
  fetch(`${s.scimBaseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.env.CLOUDFLARE_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    body: body && JSON.stringify(body),
  });
const okta = (s, method, path) =>
  fetch(`${s.okta.url}${path}`, { method, headers: { authorization: `SSWS ${s.env.OKTA_API_TOKEN}`, accept: 'application/json' } });

async function brokenSetup([name, breakIt, world], i) {
  const timing = timingFor(1000 + i);
  const s = await startSandbox({ variants: world, admin: 'auto', adminDelayMs: 300, provisioningDelayMs: 200, timing });
  try {
    const setUp = await cli(['okta', '--push-group', 'Engineering', '--yes', '--wait', '90s'], s);
    if (setUp.code !== 0) return { name, world: worldName(world), caught: false, why: `setup exited ${setUp.code}: ${setUp.stderr.slice(-300)}` };
    await s.okta.engine.idle();
    // A way of breaking may hand verify other inputs (a token), as a person who set the wrong one would.
    const given = (await breakIt(s))?.env;
    // Until its listing shows the change, nobody can see it in Cloudflare: verify runs once it may.
    await new Promise((r) => setTimeout(r, timing.cloudflareListingLagMs + 500));
    const r = await cli(['verify', '--wait', '60s'], s, given);
    return {
      name,
      world: worldName(world),
      caught: r.code === 1 || r.code === 4,
      why: `verify exited ${r.code}; failed: ${failedChecks(r.doc).join(' | ') || 'none'}`,
    };
  } finally {
    await s.close();
  }
}

async function pool(items, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
    }),
  );
  return out;
}

const loops = loadCpu(LOAD);
const started = performance.now();
try {
  const healthy = await pool(
    Array.from({ length: SETUPS }, (_, i) => i),
    (i) => healthySetup(i),
  );
  const looks = healthy.flatMap((h) => h.outcomes.map((o) => ({ ...o, variant: h.variant, world: h.world, timing: h.timing })));
  const falseFailures = looks.filter((o) => !o.ok);
  // Every broken setup in every world.
  const broken = await pool(
    WORLDS.flatMap((w) => BROKEN.map(([name, breakIt]) => [name, breakIt, w])),
    brokenSetup,
  );
  const missed = broken.filter((b) => !b.caught);
  console.log(`verify under real timing, ${LOAD} busy loop${LOAD === 1 ? '' : 's'} beside it (${((performance.now() - started) / 1000).toFixed(0)} s):`);
  console.log(
    `  healthy: ${falseFailures.length} false failures in ${looks.length} runs and looks (${SETUPS} fresh setups; guided and by API, assigned and pushed)`,
  );
  for (const f of falseFailures)
    console.log(`    - ${f.name} exited ${f.code} (${JSON.stringify(f.variant)}, ${JSON.stringify(f.timing)}): ${f.failed.join(' | ') || f.stderr}`);
  console.log(`  broken: ${broken.length - missed.length} of ${broken.length} caught (${BROKEN.length} ways, in each of ${WORLDS.length} worlds)`);
  for (const b of missed) console.log(`    - MISSED: ${b.name} in ${b.world} (${b.why})`);
  console.log("  per world (the sandbox's variants, pairwise):");
  for (const w of WORLDS.map(worldName)) {
    const mine = looks.filter((o) => o.world === w);
    const caught = broken.filter((b) => b.world === w && b.caught).length;
    console.log(`    ${w}: ${mine.filter((o) => !o.ok).length} false failures in ${mine.length} looks; ${caught} of ${BROKEN.length} broken setups caught`);
  }
  process.exitCode = falseFailures.length || missed.length ? 1 : 0;
} finally {
  for (const l of loops) l.kill();
}
