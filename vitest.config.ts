import { configDefaults, defineConfig } from 'vitest/config';

/** Consumer pact tests write pacts/*.json; every other test may read them, so they run first. */
const CONSUMER_PACTS = 'test/contract/pact/**/*.consumer.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs file after file in one process: modules, compiled contracts and the shared
    // default mock are loaded once per worker, not once per file (the suite's largest cost);
    // setup.ts starts every file from the seed, and tests restore what they change in process.env.
    isolate: false,
    setupFiles: ['./test/helpers/setup.ts'],
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
    ],
  },
});
