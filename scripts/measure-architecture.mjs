// The measures of docs/architecture.md (#23), counted over src/ without the sandbox; non-null
// assertions and casts also without the two SDK adapters. "Long" is a function over 80 lines by a
// rough brace count (over 100 in the sandbox, counted on its own). Usage: node scripts/measure-architecture.mjs [root]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.argv[2] ?? '.';
const src = join(root, 'src');
const files = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
const all = files(src).filter((f) => f.endsWith('.ts'));
const product = all.filter((f) => !relative(src, f).startsWith('sandbox'));
const adapters = new Set(['okta/client.ts', 'cloudflare/client.ts']);
// Comments and strings out; an import's `{ a as b }` is a rename, not a cast.
const code = (f) =>
  readFileSync(f, 'utf8')
    .replace(/^import [^;]*;$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, "''");
const count = (list, re) => list.reduce((n, f) => n + (code(f).match(re) ?? []).length, 0);
const typed = product.filter((f) => !adapters.has(relative(src, f)));

function longFunctions(list, limit = 80) {
  let n = 0;
  for (const f of list) {
    const lines = code(f).split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*(export\s+)?(async\s+)?function\s+\w+|^\s{2}(private\s+|async\s+|static\s+)*\w+\([^)]*\)[^=]*\{\s*$/.test(lines[i])) continue;
      let depth = 0;
      let seen = false;
      for (let j = i; j < lines.length; j++) {
        for (const ch of lines[j]) {
          if (ch === '{') {
            depth += 1;
            seen = true;
          }
          if (ch === '}') depth -= 1;
        }
        if (seen && depth <= 0) {
          if (j - i + 1 > limit) {
            n += 1;
            // MEASURE_VERBOSE=1 names them.
            if (process.env.MEASURE_VERBOSE) console.error(`long: ${relative(src, f)}:${i + 1} (${j - i + 1} lines)`);
          }
          i = j;
          break;
        }
      }
    }
  }
  return n;
}

const measures = {
  'action.request!': count(product, /\baction\.request!/g),
  'action-id parsing': count(product, /\b(action|a)\.id\.(split|startsWith|slice)\(/g),
  'branching on error text': count(product, /\b(message|error\.message)\.(includes|startsWith|match)\(|\.test\(\s*(\w+\.)?message\b/g),
  'files with /api/v1/': product.filter((f) => readFileSync(f, 'utf8').includes('/api/v1/')).length,
  'non-null !': count(typed, /[\w)\]]!(?=[.[)\],;:\s])/g),
  'casts as': count(typed, /\bas (?!const\b)[A-Z{[(a-z]/g),
  'long functions': longFunctions(product),
  'sandbox functions > 100': longFunctions(
    all.filter((f) => !product.includes(f)),
    100,
  ),
  'lines in src/': all.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0),
};

/** Static imports between src/ modules (types included: a cycle of types is still a knot to read). */
function importGraph(list) {
  const graph = new Map();
  for (const f of list) {
    const text = readFileSync(f, 'utf8');
    const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) =>
      join(dirname(f), m[1]).replace(/\.js$/, '.ts'),
    );
    graph.set(
      f,
      targets.filter((t) => list.includes(t)),
    );
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan): each is an import cycle. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      for (let w; w !== v; ) {
        w = stack.pop();
        on.delete(w);
        component.push(w);
      }
      if (component.length > 1) found.push(component.map((c) => relative(src, c)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const found = cycles(importGraph(product));
if (process.env.MEASURE_VERBOSE) for (const c of found) console.error(`cycle: ${c.join(' ↔ ')}`);
// Outside cloudflare/ and its paths module (plan/cloudflare-paths.ts, pure, as Okta's okta-paths.ts).
const outsideCloudflare = product.filter((f) => !relative(src, f).startsWith('cloudflare/') && relative(src, f) !== 'plan/cloudflare-paths.ts');
// A Cloudflare API path written in code (comments out): `/accounts/${…}/…`, SCIM, the audit log, IAM.
const cloudflarePathFiles = outsideCloudflare.filter((f) =>
  /[`'"]\/accounts\/\$\{|\/scim\/v2\/|\/logs\/audit|\/iam\/(user|permission|resource)_groups/.test(
    readFileSync(f, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, ''),
  ),
);
if (process.env.MEASURE_VERBOSE) for (const f of cloudflarePathFiles) console.error(`Cloudflare path: ${relative(src, f)}`);
// A command's home is commands/<name>/: it is named outside it only where it is registered (cli.ts).
const homeOf = (f) => /^commands\/([^/]+)\//.exec(relative(src, f))?.[1];
const graph = importGraph(product);
const namedOutsideHome = [...graph].flatMap(([f, targets]) =>
  relative(src, f) === 'cli.ts'
    ? []
    : targets.filter((t) => homeOf(t) !== undefined && homeOf(t) !== homeOf(f)).map((t) => `${relative(src, f)} → ${relative(src, t)}`),
);
if (process.env.MEASURE_VERBOSE) for (const n of namedOutsideHome) console.error(`command named outside its home: ${n}`);
const tests = existsSync(join(root, 'test')) ? files(join(root, 'test')).filter((f) => f.endsWith('.test.ts')) : [];
Object.assign(measures, {
  'import cycles': found.length,
  'commands named outside their home': namedOutsideHome.length,
  'Cloudflare paths outside cloudflare/': cloudflarePathFiles.length,
  'untyped documents': count(
    product.filter((f) => relative(src, f).startsWith('commands/') || relative(src, f) === 'lib/reporter.ts'),
    /Record<string, unknown>/g,
  ),
  // The CLI as a child process: the helpers' runCli, or a spawn of bin/scim-setup.js (BIN) of its own (runInProcess runs it in the test's process).
  'test files spawning the CLI': tests.filter((f) => {
    const text = readFileSync(f, 'utf8');
    return (
      /\bimport\b[^;]*\brunCli\b[^;]*from/.test(text) ||
      (/\b(spawn|spawnSync|execFile|execFileSync)\(/.test(text) && /scim-setup\.js|\bBIN\b|\bnpx\b/.test(text))
    );
  }).length,
});
for (const [name, value] of Object.entries(measures)) console.log(`${name.padEnd(36)} ${value}`);
