#!/usr/bin/env node
// The build: type-check, then one bundle (esbuild) with the SDKs, commander, chalk and ora
// inside, tree-shaken and minified; each command and the sandbox stay separate chunks, loaded
// when used. Writes the licence notices of everything bundled (THIRD-PARTY-NOTICES.txt).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { noticesFor } from './notices.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit'], { stdio: 'inherit' });
rmSync(`${root}dist`, { recursive: true, force: true });
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
