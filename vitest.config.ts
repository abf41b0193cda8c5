import { defineConfig } from 'vitest/config';
import { READS_FETCH_GLOBALS, withFetchGlobals } from './scripts/fetch-globals.mjs';

export default defineConfig({
  // The tests run the cloudflare package as the bundle holds it: its reads of Headers and FormData
  // given scim-setup's stand-ins (scripts/fetch-globals.mjs), which is why vitest transforms it.
  plugins: [{ name: 'fetch-globals', transform: (code, id) => (READS_FETCH_GLOBALS.test(id.split('?')[0]) ? withFetchGlobals(code) : undefined) }],
  test: {
    include: ['test/**/*.test.ts'],
    // Those modules alone: the rest of the package (hundreds of resource classes) stays Node's to load.
    server: { deps: { inline: [READS_FETCH_GLOBALS] } },
    // Short, now that the in-process files wait on the run's clock: a test that needs longer says so itself.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // With the in-process files on the run's clock the suite is bound by CPU (195 % of 2 cores), and 8
    // forks still beat 4 (95 s against 108 s, idle): they overlap what real I/O is left. docs/performance.md.
    maxWorkers: 8,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
