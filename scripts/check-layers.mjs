#!/usr/bin/env node
// The layer rule (DESIGN §6), checked on every import in src/: commands → apply/verify →
// okta/cloudflare → plan/lib. An import may point down or sideways within its own layer, never
// up; plan/ does no I/O; sandbox/ imports nothing of the product but lib/, and the product uses
// the sandbox through its one entry (sandbox/index.ts). Exit 1 on a violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
/** Higher imports lower; same rank is allowed only within the same folder. */
const RANK = { '': 5, commands: 4, apply: 3, verify: 3, okta: 2, cloudflare: 2, plan: 1, lib: 0, sandbox: 0 };
const IO_MODULES = /^node:(fs|fs\/promises|http|https|net|child_process|tls|dgram)$/;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const layerOf = (path) => {
  const first = relative(SRC, path).split('/')[0];
  return first.endsWith('.ts') ? '' : first;
};

const violations = [];
for (const file of files(SRC)) {
  const from = layerOf(file);
  const text = readFileSync(file, 'utf8');
  for (const spec of [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2])) {
    const where = relative(SRC, file);
    if (from === 'plan' && IO_MODULES.test(spec)) violations.push(`${where}: plan/ does no I/O, but imports ${spec}`);
    if (!spec.startsWith('.')) continue;
    const to = layerOf(resolve(dirname(file), spec));
    if (from === 'sandbox' && to !== 'sandbox' && to !== 'lib') violations.push(`${where}: sandbox/ imports only lib/, but imports ${spec}`);
    else if (from !== 'sandbox' && to === 'sandbox' && !['', 'commands'].includes(from))
      violations.push(`${where}: only commands start the sandbox, but ${from}/ imports ${spec}`);
    else if (from !== 'sandbox' && to === 'sandbox' && relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '') !== 'sandbox/index')
      violations.push(`${where}: the sandbox is used through its one entry, sandbox/index.ts, not ${spec}`);
    else if (from !== 'sandbox' && to !== 'sandbox' && RANK[to] > RANK[from])
      violations.push(`${where}: ${from || 'src'}/ imports upward into ${to}/ (${spec})`);
    else if (from !== to && RANK[to] === RANK[from] && from !== '' && to !== 'sandbox' && from !== 'sandbox')
      violations.push(`${where}: ${from}/ imports its sibling layer ${to}/ (${spec})`);
  }
}
if (violations.length) {
  console.error(`Layer rule: ${violations.length} violation${violations.length === 1 ? '' : 's'}\n${violations.map((v) => `  - ${v}`).join('\n')}`);
  process.exit(1);
}
console.log('Layer rule: every import in src/ points down (commands → apply/verify → okta/cloudflare → plan/lib).');
