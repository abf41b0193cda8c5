#!/usr/bin/env node
// Benchmark (not a test): how fast the emulators answer on loopback, and the memory of a
// 10,000-user seed, so that the sandbox is never what makes the CLI slow. Run after `npm run build`:
//   node --expose-gc scripts/bench-sandbox.mjs
import { startSandbox } from '../dist/sandbox/sandbox.js';
import { generatedSeed } from '../dist/sandbox/okta/seed.js';

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const gc = () => globalThis.gc?.();

gc();
const before = process.memoryUsage();
const sandbox = await startSandbox({ seed: generatedSeed(10_000, 1_000), rateLimits: false });
gc();
const after = process.memoryUsage();
console.log(`seed: 10,000 users, 1,000 groups; heap ${mb(after.heapUsed - before.heapUsed)} more, rss ${mb(after.rss)}`);

async function load(name, url, headers, seconds = 3, concurrency = 8) {
  const end = Date.now() + seconds * 1000;
  let count = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}`);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  console.log(`${name.padEnd(48)} ${Math.round(count / seconds)} requests/s (${concurrency} concurrent)`);
}

const okta = { authorization: `SSWS ${sandbox.env.OKTA_API_TOKEN}` };
const scim = { authorization: `Bearer ${sandbox.env.CLOUDFLARE_SCIM_TOKEN}` };
await load('Okta GET /api/v1/apps', `${sandbox.okta.url}/api/v1/apps`, okta);
await load('Okta GET /api/v1/users?limit=200 (a page of 200)', `${sandbox.okta.url}/api/v1/users?limit=200`, okta);
await load(
  'Okta GET /api/v1/groups?search=profile.name eq …',
  `${sandbox.okta.url}/api/v1/groups?search=${encodeURIComponent('profile.name eq "Team 0500"')}`,
  okta,
);
await load('Cloudflare GET /scim/v2/ServiceProviderConfig', `${sandbox.scimBaseUrl}/ServiceProviderConfig`, scim);
await load('Cloudflare GET /scim/v2/Users?count=100', `${sandbox.scimBaseUrl}/Users?count=100`, scim);
await sandbox.close();
