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
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { noticesFor } from './notices.mjs';
import { READS_FETCH_GLOBALS, withFetchGlobals } from './fetch-globals.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const dist = `${root}dist`;

/** The newest modification time among the build's inputs. */
function newestSource() {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [statSync(join(dir, e.name)).mtimeMs]));
  return Math.max(
    ...walk(`${root}src`),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/fetch-globals.mjs'].map((f) => statSync(`${root}${f}`).mtimeMs),
  );
}

/**
 * Modules the bundled SDKs require at load but use only on some paths: the Okta SDK's DPoP and JWT
 * signing (node-jose, node-forge: service-app mode), its cache middleware (lodash: scim-setup passes
 * none), multipart bodies (form-data, mime-db) and proxy agent (scim-setup's own executor picks
 * the proxy), and node-fetch's WHATWG URL (tr46: Node has its own URL). Each is given its importer
 * as a stand-in that requires the real module on first use, so that a run that never takes those
 * paths never evaluates them. Each is built apart, as a CommonJS file of its own (dist/deferred/),
 * so that the chunk that requires it does not carry it either: V8 scans every byte of a chunk it
 * loads, used or not (about 800 KB here: 11 ms and 3 MB a run). Measured: docs/performance.md.
 */
const DEFERRED = [
  { importer: /@okta\/okta-sdk-nodejs\/src\/(http|oauth)\.js$/, spec: './dpop', shape: { functions: ['generateDpopJwt'] } },
  { importer: /@okta\/okta-sdk-nodejs\/src\/oauth\.js$/, spec: './jwt', shape: { functions: ['makeJwt'] } },
  { importer: /@okta\/okta-sdk-nodejs\/src\/http\.js$/, spec: './default-cache-middleware', shape: 'function' },
  { importer: /@okta\/okta-sdk-nodejs\/src\/http\.js$/, spec: 'form-data', shape: 'function' },
  { importer: /@okta\/okta-sdk-nodejs\/src\/http\.js$/, spec: 'https-proxy-agent', shape: 'function' },
  { importer: /node-fetch\/lib\/index\.js$/, spec: 'whatwg-url', shape: { getters: ['URL'] } },
];

/** Where a deferred module is built, beside the chunks: `dist/deferred/<its name>.cjs`. */
const deferredFile = (spec) => `deferred/${spec.replace(/^\.\//, '').replace(/[^\w-]/g, '_')}.cjs`;
/** Each deferred module's real path, as the bundle resolved it: the entries of their own build. */
const deferredEntries = new Map();

function deferredRequires() {
  return {
    name: 'deferred-requires',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        const entry = args.kind === 'require-call' && DEFERRED.find((d) => d.spec === args.path && d.importer.test(args.importer));
        if (!entry) return undefined;
        const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: 'require-call' });
        if (real.errors.length) return { errors: real.errors };
        deferredEntries.set(deferredFile(entry.spec), real.path);
        return { path: real.path, namespace: 'deferred', pluginData: { shape: entry.shape, file: deferredFile(entry.spec) } };
      });
      b.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
        const { shape, file } = args.pluginData;
        // The bundle's require is Node's, made for each chunk's URL (the banner): the file beside the chunks, not bundled.
        const load = `let real;\nconst load = () => (real ??= __deferredRequire(${JSON.stringify(`./${file}`)}));\n`;
        const body =
          shape === 'function'
            ? // Called or constructed: either way the real one answers.
              'module.exports = function deferred(...a) { return new.target ? Reflect.construct(load(), a, new.target) : load().apply(this, a); };'
            : [
                ...(shape.functions ?? []).map((f) => `exports.${f} = (...a) => load().${f}(...a);`),
                ...(shape.getters ?? []).map((g) => `Object.defineProperty(exports, ${JSON.stringify(g)}, { get: () => load().${g}, enumerable: true });`),
              ].join('\n');
        return { contents: load + body, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** The cloudflare package's reads of Headers and FormData, given scim-setup's stand-ins (scripts/fetch-globals.mjs). */
function fetchGlobals() {
  return {
    name: 'fetch-globals',
    setup(b) {
      b.onLoad({ filter: READS_FETCH_GLOBALS }, (args) => ({
        contents: withFetchGlobals(readFileSync(args.path, 'utf8')),
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
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
  // The deferred modules' stand-ins load their files with the same require, hidden from esbuild's resolver by its name.
  banner: {
    js: "import { createRequire as __scimSetupRequire } from 'node:module'; const require = __scimSetupRequire(import.meta.url); const __deferredRequire = require;",
  },
  logLevel: 'warning',
  plugins: [deferredRequires(), fetchGlobals()],
});
// The deferred modules, each a CommonJS file of its own that their stand-ins require on first use.
const deferred = await build({
  entryPoints: Object.fromEntries([...deferredEntries].map(([file, path]) => [file.replace(/\.cjs$/, ''), path])),
  outdir: `${root}dist`,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  // No maps: a --debug stack is read for src/ files and lines, which these vendor layers hold none of.
  sourcemap: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const metafile = {
  inputs: { ...result.metafile.inputs, ...deferred.metafile.inputs },
  outputs: { ...result.metafile.outputs, ...deferred.metafile.outputs },
};
writeFileSync(`${root}dist/meta.json`, JSON.stringify(metafile));
writeFileSync(`${root}dist/help.json`, JSON.stringify(await helpTexts()));
writeFileSync(`${root}THIRD-PARTY-NOTICES.txt`, noticesFor(metafile, root));
// What this build did not write, and no build has for ten minutes: no run still loads it.
const written = new Set(Object.keys(metafile.outputs).map((p) => resolve(p)));
const sweep = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) sweep(path);
    else if (!written.has(path) && path !== join(dist, 'meta.json') && statSync(path).mtimeMs < startedAt - 600_000) rmSync(path);
  }
};
sweep(dist);

/**
 * `--help` of the program and of each command as commander prints it off a terminal (80 columns),
 * for bin/scim-setup.js to print without loading the bundle: --help then costs little more than
 * starting Node. Made by running this very build's CLI, so it cannot say other than commander does.
 */
async function helpTexts() {
  const { main } = await import(`${dist}/index.js?build=${startedAt}`);
  const helpOf = async (args) => {
    const chunks = [];
    const stdout = {
      write(chunk) {
        chunks.push(chunk);
        return true;
      },
    };
    const code = await main(['node', 'scim-setup', ...args, '--help'], { env: {}, stdout, stderr: stdout, signal: new AbortController().signal });
    if (code !== 0) throw new Error(`scim-setup ${args.join(' ')} --help exited ${code}`);
    return chunks.join('');
  };
  const root = await helpOf([]);
  const commands = [...root.slice(root.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  const texts = { '': root };
  for (const command of commands) texts[command] = await helpOf([command]);
  return texts;
}
