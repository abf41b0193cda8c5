// The cloudflare package reads the global Headers and FormData; in the bundle (scripts/build.mjs)
// and under test (vitest.config.ts) its modules that do are given src/cloudflare/fetch-globals.ts's
// instead, so that no run loads Node's fetch for them. One rule for both, so that the tests run what ships.
import { fileURLToPath } from 'node:url';

/** The package's modules that read either global: each request's headers, its body check, its debug log. */
export const READS_FETCH_GLOBALS = /[\\/]node_modules[\\/]cloudflare[\\/](client|internal[\\/]headers|internal[\\/]utils[\\/]log)\.mjs$/;

const SHIM = fileURLToPath(new URL('../src/cloudflare/fetch-globals.ts', import.meta.url));

/** The module's source, with the two names bound to the stand-ins: an import shadows the global for the whole module. */
export function withFetchGlobals(source) {
  return `import { Headers, FormData } from ${JSON.stringify(SHIM)};\n${source}`;
}
