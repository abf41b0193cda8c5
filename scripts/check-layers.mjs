#!/usr/bin/env node
// The layer rule (DESIGN §6), checked on every import in src/: commands → apply/verify →
// okta/cloudflare → plan/lib; a command's home ranks its plan.ts and operation.ts as plan, its steps.ts as apply. An import may point down or sideways within its own layer, never
// up; plan/ does no I/O, not even through lib/; sandbox/ imports nothing of the product but lib/,
// and the product uses the sandbox through its one entry (sandbox/index.ts). It fails closed
// (#23 item 8): a file or folder without a layer, a side-effect import and a computed dynamic
// import are violations too. Exit 1 on a violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
/** Higher imports lower; same rank is allowed only within the same folder. */
const RANK = { commands: 4, apply: 3, verify: 3, okta: 2, cloudflare: 2, plan: 1, lib: 0, sandbox: 0 };
/** Files at the root of src/, each with its layer: the entry above everything, the context a type all commands share. */
const ROOT_FILES = { 'index.ts': 'entry', 'cli.ts': 'entry', 'context.ts': 'context' };
// The context sits just above lib/ (it names lib's Redactor) and below every product layer that takes it.
const ROOT_RANK = { entry: 5, context: 0.5 };
const IO_MODULES = /^node:(fs|fs\/promises|http|https|net|child_process|tls|dgram)$/;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * A command's home (commands/<name>/) holds all of it, ranked by role: its plan and operation type
 * are pure, as plan/ is; its steps act, as apply/ does; the rest (declaration, run) is the command's.
 */
const COMMAND_ROLES = { 'plan.ts': 'plan', 'operation.ts': 'plan', 'steps.ts': 'apply' };

/** A file's layer: its folder under src/ (or its role in a command's home), or its own entry for a root file; undefined when it has none. */
const layerOf = (path) => {
  const parts = relative(SRC, path).replace(/\.js$/, '.ts').split('/');
  if (parts.length === 1) return ROOT_FILES[parts[0]];
  if (parts[0] === 'commands' && parts.length === 3) return COMMAND_ROLES[parts[2]] ?? 'commands';
  return parts[0] in RANK ? parts[0] : undefined;
};
const rankOf = (layer) => RANK[layer] ?? ROOT_RANK[layer];
const target = (file, spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts');

/**
 * Every module a file names: static imports and re-exports, side-effect imports, dynamic imports
 * (a computed one as null). A type-only import is marked: it is erased, so it carries no I/O.
 */
function specifiers(text) {
  const out = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\b[^'";]*?from\s+['"]([^'"]+)['"]/g)) out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push({ spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*([^)]*)\)/g)) {
    const literal = /^(['"])([^'"`$]+)\1$/.exec(m[1].trim());
    out.push({ spec: literal ? literal[2] : null, typeOnly: false });
  }
  return out;
}

const sources = new Map(files(SRC).map((file) => [file, specifiers(readFileSync(file, 'utf8'))]));

// lib/ modules that do I/O, directly or through another lib/ module: plan/ may use none of them.
const libIo = new Set(
  [...sources].filter(([file, specs]) => layerOf(file) === 'lib' && specs.some(({ spec }) => spec && IO_MODULES.test(spec))).map(([f]) => f),
);
for (let grew = true; grew; ) {
  grew = false;
  for (const [file, specs] of sources) {
    if (layerOf(file) !== 'lib' || libIo.has(file)) continue;
    if (specs.some(({ spec, typeOnly }) => !typeOnly && spec?.startsWith('.') && libIo.has(target(file, spec)))) {
      libIo.add(file);
      grew = true;
    }
  }
}

const violations = [];
for (const [file, specs] of sources) {
  const where = relative(SRC, file);
  const from = layerOf(file);
  if (from === undefined) {
    violations.push(`${where}: has no layer (a new folder or root file): add it to the layer rule in scripts/check-layers.mjs`);
    continue;
  }
  for (const { spec, typeOnly } of specs) {
    if (spec === null) {
      violations.push(`${where}: a dynamic import with a computed path cannot be checked; import a literal path`);
      continue;
    }
    if (from === 'plan' && IO_MODULES.test(spec)) violations.push(`${where}: plan/ does no I/O, but imports ${spec}`);
    if (!spec.startsWith('.')) continue;
    const path = target(file, spec);
    const to = layerOf(path);
    if (to === undefined) violations.push(`${where}: imports ${spec}, which has no layer`);
    else if (from === 'plan' && !typeOnly && libIo.has(path)) violations.push(`${where}: plan/ does no I/O, but imports ${spec}, which does`);
    else if (from === 'sandbox' && to !== 'sandbox' && to !== 'lib') violations.push(`${where}: sandbox/ imports only lib/, but imports ${spec}`);
    else if (from !== 'sandbox' && to === 'sandbox' && !['entry', 'commands'].includes(from))
      violations.push(`${where}: only commands start the sandbox, but ${from}/ imports ${spec}`);
    else if (from !== 'sandbox' && to === 'sandbox' && relative(SRC, path) !== 'sandbox/index.ts')
      violations.push(`${where}: the sandbox is used through its one entry, sandbox/index.ts, not ${spec}`);
    else if (from !== 'sandbox' && to !== 'sandbox' && rankOf(to) > rankOf(from)) violations.push(`${where}: ${from}/ imports upward into ${to}/ (${spec})`);
    else if (from !== to && rankOf(to) === rankOf(from) && from !== 'entry' && to !== 'sandbox' && from !== 'sandbox')
      violations.push(`${where}: ${from}/ imports its sibling layer ${to}/ (${spec})`);
  }
}
if (violations.length) {
  console.error(`Layer rule: ${violations.length} violation${violations.length === 1 ? '' : 's'}\n${violations.map((v) => `  - ${v}`).join('\n')}`);
  process.exit(1);
}
console.log('Layer rule: every import in src/ points down (commands → apply/verify → okta/cloudflare → plan/lib); every file has a layer.');
