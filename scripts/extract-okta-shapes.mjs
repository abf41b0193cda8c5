#!/usr/bin/env node
// Turns public recordings of real Okta traffic (terraform-provider-okta's go-vcr cassettes,
// MPL-2.0) into shape fixtures: per operation, the statuses, media types, header names and JSON
// key paths with their types. No value and no prose is kept. The allowances already in the
// fixture (differences that stay, with their reasons) and the list of operations no recording
// shows are carried over: they are kept by hand.
//
//   node scripts/extract-okta-shapes.mjs --git-dir /path/to/terraform-provider-okta.git [--commit REV]
//   node scripts/extract-okta-shapes.mjs --dir /path/to/a/checkout
//
// Needs a build (npm run build): the shape engine is the one the sandbox's --compare uses.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ERROR_OPERATION, foldAnswer, operationOf } from '../dist/sandbox/reality/shape.js';

const OUT = new URL('../test/reality/okta-recorded-shapes.json', import.meta.url);
const BASE = 'test/fixtures/vcr/idaas';
/** The recordings of the API families the product and the emulator cover. */
const TESTS = [
  'TestAccResourceOktaAppAutoLoginApplication_crud',
  'TestAccResourceOktaAppBasicAuthApplication_crud',
  'TestAccResourceOktaAppBookmarkApplication_crud',
  'TestAccResourceOktaAppSwaApplication_crud',
  'TestAccDataSourceOktaApp_read',
  'TestAccResourceOktaAppConnection_cru',
  'TestAccDataSourceOktaAppConnection_read',
  'TestAccOktaAppFeatures_basic',
  'TestAccDataSourceOktaAppFeatures_read',
  'TestAccResourceOktaAppGroupAssignment_crud',
  'TestAccDataSourceOktaAppGroupAssignments_read',
  'TestAccDataSourceOktaAppUserAssignments_read',
  'TestAccResourceOktaPushGroup_crud',
  'TestAccDataSourceOktaPushGroup_read',
  'TestAccDataSourceOktaPushGroups_read',
  'TestAccResourceOktaGroup_crud',
  'TestAccDataSourceOktaGroups_read',
  'TestAccResourceOktaGroupMemberships_crud',
  'TestAccDataSourceOktaUsers_read',
  'TestAccResourceOktaUser_statusDeprovisioned',
  'TestAccResourceOktaUser_updateAllAttributes',
];
const ORGS = ['classic-00.yaml', 'oie-00.yaml'];
/** Operations of API families outside what the emulator serves, left out of the fixture. */
const OUT_OF_SCOPE = [
  /\/policies/,
  /\/schemas/,
  /\/sso\//,
  /\/credentials\//,
  /\/roles/,
  /\/users\/\{userId\}\/(groups|factors|linkedObjects|risk)/,
  /\/apps\/\{appId\}\/(logo|tokens|grants|federated-claims)/,
  /\/groups\/\{groupId\}\/(owners|roles|apps)/,
  /\/groups\/rules/,
  /\/meta\//,
  /\/internal\//,
  /\/\.well-known\//,
  /\/authorizationServers/,
  /\/idps/,
  /\/brands/,
  /\/zones/,
];

function args() {
  const a = process.argv.slice(2);
  const get = (flag) => (a.includes(flag) ? a[a.indexOf(flag) + 1] : undefined);
  return { gitDir: get('--git-dir'), commit: get('--commit') ?? 'HEAD', dir: get('--dir') };
}

function reader({ gitDir, commit, dir }) {
  if (gitDir) {
    const rev = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', commit], { encoding: 'utf8' }).trim();
    return {
      version: rev,
      read: (path) => {
        try {
          return execFileSync('git', ['--git-dir', gitDir, 'show', `${rev}:${path}`], {
            encoding: 'utf8',
            maxBuffer: 64 << 20,
            stdio: ['ignore', 'pipe', 'ignore'],
          });
        } catch {
          return undefined;
        }
      },
    };
  }
  if (dir) return { version: 'working tree', read: (path) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined) };
  console.error('usage: extract-okta-shapes.mjs --git-dir DIR [--commit REV] | --dir DIR');
  process.exit(2);
}

const lowerKeys = (headers) => Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));

function main() {
  const source = reader(args());
  const shapes = new Map();
  const from = new Map();
  const files = [];
  for (const test of TESTS) {
    for (const org of ORGS) {
      const path = `${BASE}/${test}/${org}`;
      const text = source.read(path);
      if (text === undefined) continue;
      files.push(path);
      for (const it of parse(text).interactions ?? []) {
        const op = operationOf(it.request.method, it.request.url);
        if (OUT_OF_SCOPE.some((re) => re.test(op))) continue;
        const status = it.response.code;
        // Error bodies share one shape whatever the operation; success bodies are the operation's own.
        foldAnswer(shapes, op, { status, responseHeaders: lowerKeys(it.response.headers), responseBody: it.response.body });
        const key = status >= 400 ? ERROR_OPERATION : op;
        (from.get(key) ?? from.set(key, new Set()).get(key)).add(`${test}/${org}`);
      }
    }
  }
  const previous = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : {};
  const operations = Object.fromEntries(
    [...shapes].sort(([a], [b]) => a.localeCompare(b)).map(([op, shape]) => [op, { ...shape, from: [...(from.get(op) ?? [])].sort() }]),
  );
  const fixture = {
    source: {
      repository: 'okta/terraform-provider-okta',
      version: source.version,
      licence: 'MPL-2.0 (the recordings); this file keeps shapes only, no values and no text of them',
      recorder: 'go-vcr; it strips X-* response headers, so header names starting with X- are not compared',
      files,
      generatedBy: 'scripts/extract-okta-shapes.mjs',
    },
    operations,
    allowances: previous.allowances ?? [],
    unrecorded: previous.unrecorded ?? [],
  };
  writeFileSync(OUT, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${Object.keys(operations).length} operations from ${files.length} recordings → ${OUT.pathname}`);
}

main();
