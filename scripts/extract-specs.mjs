#!/usr/bin/env node
// Copies what the contract tests need from ../shared/specs into test/contract/specs, as data:
// schemas and operations only, prose stripped, with the source and licence noted. Run it when
// the shared specs change: `npm run specs` (the tests then need only the copies).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.SHARED_SPECS ?? join(root, '..', 'shared', 'specs');
const out = join(root, 'test', 'contract', 'specs');
mkdirSync(out, { recursive: true });

const PROSE = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'x-codeSamples', 'x-okta-lifecycle', 'tags', 'x-okta-tags', 'title']);

function strip(node, parentKey = '') {
  if (Array.isArray(node)) return node.map((item) => strip(item));
  if (node && typeof node === 'object') {
    const result = {};
    for (const [k, v] of Object.entries(node)) {
      // Under `properties`, keys are property names (a property may be called "description").
      if (parentKey !== 'properties' && PROSE.has(k)) continue;
      result[k] = strip(v, k);
    }
    return result;
  }
  return node;
}

/** The component schemas reachable from `roots`, transitively. */
function reachable(spec, roots) {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!seen.has(name)) {
          seen.add(name);
          visit(spec.components.schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(roots);
  return seen;
}

function subset(spec, paths, extraSchemas = []) {
  const chosen = Object.fromEntries(paths.map((p) => [p, spec.paths[p]]).filter(([, v]) => v));
  const names = reachable(spec, [chosen, extraSchemas.map((n) => ({ $ref: `#/components/schemas/${n}` }))]);
  return { paths: chosen, schemas: Object.fromEntries([...names].sort().map((n) => [n, spec.components.schemas[n]])) };
}

// Okta: the project's subset, plus the directory endpoints and the catalog app's subtype from the full spec.
const oktaSubset = JSON.parse(readFileSync(join(shared, 'okta', 'okta-scim-setup-subset.2026.06.3.json'), 'utf8'));
const oktaFull = parse(readFileSync(join(shared, 'okta', 'management-minimal.2026.06.3.yaml'), 'utf8'), { maxAliasCount: -1 });
const fromFull = subset(
  oktaFull,
  [
    '/api/v1/users',
    '/api/v1/users/{id}',
    '/api/v1/groups/{groupId}',
    '/api/v1/groups/{groupId}/users',
    '/api/v1/groups/{groupId}/users/{userId}',
    '/api/v1/users/{id}/lifecycle/activate',
    '/api/v1/users/{id}/lifecycle/deactivate',
  ],
  ['AutoLoginApplication', 'User', 'Group'],
);
const oktaAll = subset({ paths: oktaSubset.paths, components: oktaSubset.components }, Object.keys(oktaSubset.paths));
const okta = strip({
  source: 'okta/okta-management-openapi-spec dist/current/management-minimal.yaml and the project subset of it, version 2026.06.3',
  license: 'Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0.html), Copyright Okta, Inc.',
  extractedBy: 'scripts/extract-specs.mjs: schemas and operations only, prose removed',
  paths: { ...oktaAll.paths, ...fromFull.paths },
  components: { schemas: { ...fromFull.schemas, ...oktaAll.schemas } },
});
writeFileSync(join(out, 'okta.json'), `${JSON.stringify(okta)}\n`);

const cf = JSON.parse(readFileSync(join(shared, 'cloudflare', 'cloudflare-scim-setup-subset.json'), 'utf8'));
const cloudflare = strip({
  source: 'cloudflare/api-schemas openapi.json (subset; see x-subset-provenance on each component)',
  license: 'BSD-3-Clause, Copyright (c) 2022, Cloudflare',
  extractedBy: 'scripts/extract-specs.mjs: schemas and operations only, prose removed',
  paths: cf.paths,
  components: { schemas: cf.components.schemas },
});
writeFileSync(join(out, 'cloudflare.json'), `${JSON.stringify(cloudflare)}\n`);
console.log(
  `okta: ${Object.keys(okta.paths).length} paths, ` +
    `${Object.keys(okta.components.schemas).length} schemas; cloudflare: ` +
    `${Object.keys(cloudflare.paths).length} paths, ` +
    `${Object.keys(cloudflare.components.schemas).length} schemas`,
);
