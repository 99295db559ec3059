import { configDefaults, defineConfig } from 'vitest/config';

/** Consumer pact tests write pacts/*.json; every other test may read them, so they run first. */
const CONSUMER_PACTS = 'test/contract/pact/**/*.consumer.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
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
