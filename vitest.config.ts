import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Consumer pact tests write pacts/*.json; every other test may read them, so they run first. */
const CONSUMER_PACTS = 'test/contract/pact/**/*.consumer.test.ts';

export default defineConfig({
  // The README's test-suite examples import the package by name: here, its sources.
  resolve: { alias: { churnmock: fileURLToPath(new URL('./mock/index.ts', import.meta.url)) } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs file after file in one process: modules, compiled contracts and the shared
    // default mock are loaded once per worker, not once per file (the suite's largest cost);
    // setup.ts starts every file from the seed, and tests restore what they change in process.env.
    isolate: false,
    setupFiles: ['./test/helpers/setup.ts'],
    // The CLI's data cache defaults to ~/.cache/churnmock: tests (and the servers they start)
    // use none unless a test names a directory of its own.
    env: { CHURNMOCK_DATA_CACHE: 'off' },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'pact-consumers', include: [CONSUMER_PACTS], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'tests',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, CONSUMER_PACTS],
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The README's recipes as a user runs them: a file with its own mock, and a
        // globalSetup that starts one mock for the files that `inject` its URL.
        extends: true,
        test: {
          name: 'examples',
          include: ['examples/test-suite/*.test.ts'],
          globalSetup: ['./examples/test-suite/global-setup.ts'],
          setupFiles: [],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
