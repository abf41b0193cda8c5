#!/usr/bin/env node
// The build: type-check, then one bundle (esbuild) with the SDKs, commander, chalk and ora
// inside, tree-shaken and minified; each command and the sandbox stay separate chunks, loaded
// when used. Writes the licence notices of everything bundled (THIRD-PARTY-NOTICES.txt).
//
// `--if-stale` (npm's prepare): nothing is done while dist/ is newer than every source. `npx scim-setup`
// in a clone installs the clone as a package, which runs prepare: it must not rebuild under a run that
// is using dist/ (#34 item 16). A build never empties dist/ first: a run started before it still finds
// the chunks it loads later; chunks no build has written for ten minutes go. `--clean` (npm's prepack)
// starts from an empty dist/, so that a package holds this build alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { noticesFor } from './notices.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const dist = `${root}dist`;

/** The newest modification time among the build's inputs. */
function newestSource() {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [statSync(join(dir, e.name)).mtimeMs]));
  return Math.max(
    ...walk(`${root}src`),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'].map((f) => statSync(`${root}${f}`).mtimeMs),
  );
}

if (process.argv.includes('--if-stale') && existsSync(`${dist}/index.js`) && statSync(`${dist}/index.js`).mtimeMs > newestSource()) process.exit(0);

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit'], { stdio: 'inherit' });
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
const startedAt = Date.now();
const result = await build({
  // The CLI, plus the modules the scripts (bench, seeds, shapes) use from the build.
  entryPoints: [
    'src/index.ts',
    'src/sandbox/sandbox.ts',
    'src/sandbox/admin.ts',
    'src/sandbox/timing.ts',
    'src/sandbox/okta/seed.ts',
    'src/sandbox/okta/emulator.ts',
    'src/sandbox/reality/shape.ts',
    'src/lib/sandbox-variants.ts',
  ].map((p) => `${root}${p}`),
  outdir: `${root}dist`,
  outbase: `${root}src`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  // Maps without the sources: small enough to ship, and a --debug stack names src/ files and lines (#24 item 31).
  sourcesContent: false,
  metafile: true,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS (the Okta SDK and its dependencies) calls require for Node's own modules.
  banner: { js: "import { createRequire as __scimSetupRequire } from 'node:module'; const require = __scimSetupRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(`${root}dist/meta.json`, JSON.stringify(result.metafile));
writeFileSync(`${root}THIRD-PARTY-NOTICES.txt`, noticesFor(result.metafile, root));
// What this build did not write, and no build has for ten minutes: no run still loads it.
const written = new Set(Object.keys(result.metafile.outputs).map((p) => resolve(p)));
const sweep = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) sweep(path);
    else if (!written.has(path) && path !== join(dist, 'meta.json') && statSync(path).mtimeMs < startedAt - 600_000) rmSync(path);
  }
};
sweep(dist);
