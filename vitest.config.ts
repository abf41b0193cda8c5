import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
