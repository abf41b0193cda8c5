import type { Reporter, TestModule } from 'vitest/node';

/** Prints the plain closing line that CI reads: "tests: N passed, N failed, N skipped". */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      // A file whose setup failed ran none of its tests: each counts as failed, not skipped.
      const moduleFailed = module.state() === 'failed' || module.errors().length > 0;
      const tests = [...module.children.allTests()];
      // A file that did not load (a syntax error) has no tests to count: it is one failure.
      if (moduleFailed && tests.length === 0) failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed' || moduleFailed) failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
