#!/usr/bin/env node
// Writes a large Okta seed for the sandbox (after `npm run build`):
//   node scripts/generate-seed.mjs 10000 1000 > big-seed.json && scim-setup sandbox --seed big-seed.json
import { generatedSeed } from '../dist/sandbox/okta/seed.js';

const [users = '10000', groups = '1000'] = process.argv.slice(2);
if (!/^\d+$/.test(users) || !/^\d+$/.test(groups) || Number(groups) < 1) {
  console.error('usage: node scripts/generate-seed.mjs USERS GROUPS   (e.g. 10000 1000)');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(generatedSeed(Number(users), Number(groups)))}\n`);
