// vitest.config.ts: test: { globalSetup: ['./test/churnmock-setup.ts'] }
// One mock for the whole run, started before any test file; tests reach it over HTTP.
import { startMock } from 'churnmock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    churnmockUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mock = await startMock({ seed: 42 });
  project.provide('churnmockUrl', mock.url);
  return () => mock.close();
}
