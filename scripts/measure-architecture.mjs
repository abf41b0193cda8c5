// The measures of docs/architecture.md (#23), counted over src/ without the sandbox; non-null
// assertions and casts also without the two SDK adapters. "Long" is a function over 80 lines by a
// rough brace count (over 100 in the sandbox, counted on its own). Usage: node scripts/measure-architecture.mjs [root]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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
for (const [name, value] of Object.entries(measures)) console.log(`${name.padEnd(26)} ${value}`);
