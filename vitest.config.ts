import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The suite waits on sockets (the sandboxes' answers, provisioning delays, windows), at about 40 % of
    // 2 cores with 2 workers: more forks than cores overlap those waits. Measured in docs/performance.md.
    maxWorkers: 8,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
