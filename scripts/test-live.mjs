#!/usr/bin/env node
// `npm run test:live`: the acceptance suite against real Okta and Cloudflare. It runs only when
// SCIM_SETUP_LIVE=1 is set with the usual env vars, and says so otherwise (CI runs the same suite
// against the sandbox as part of `npm test`).
import { spawnSync } from 'node:child_process';

if (process.env.SCIM_SETUP_LIVE !== '1') {
  console.log('live acceptance suite skipped: SCIM_SETUP_LIVE=1 is not set.');
  console.log('To run it against real services, set SCIM_SETUP_LIVE=1 and the env vars README "Live acceptance suite" lists.');
  process.exit(0);
}
// test/live/target.ts names any env var that is missing.
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', 'test/live'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
