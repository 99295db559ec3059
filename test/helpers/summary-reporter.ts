import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends the run with a plain "N passed, N failed, N skipped" line that any CI can read, plus the
 * files that failed outside any test (a failing `beforeAll`, an import error) and unhandled
 * errors, which otherwise show only as skipped tests.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const brokenFiles: string[] = [];
    for (const m of testModules) {
      let failedTests = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') {
          counts.failed++;
          failedTests++;
        } else counts.skipped++;
      }
      if (m.state() === 'failed' && failedTests === 0) brokenFiles.push(m.moduleId);
    }
    const extra = [
      brokenFiles.length ? `${brokenFiles.length} file(s) failed outside their tests` : '',
      unhandledErrors.length ? `${unhandledErrors.length} unhandled error(s)` : '',
    ].filter(Boolean);
    process.stdout.write(
      `\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${extra.length ? `; ${extra.join('; ')}` : ''}\n`,
    );
    for (const f of brokenFiles) process.stdout.write(`  failed outside its tests: ${f}\n`);
  }
}
