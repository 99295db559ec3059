import type { SeededData } from '../generators/dataset.ts';
import { createMockFrom, type EngineHooks, type Mock as EngineMock } from './app.ts';
import type { MockOptionsInput } from './core/options.ts';
import { REGISTRY, type VendorInstances } from './registry.ts';
import type { VendorOptions } from './vendor-options.ts';

export { DEFAULT_OPTIONS, type MockOptions, type WebhookOptions } from './core/options.ts';
export { REGISTRY, VENDORS, type VendorInstances } from './registry.ts';
export type { VendorOptions } from './vendor-options.ts';

/** A churnmock instance: every vendor of the registry, typed by id (`mock.vendors.churncut`). */
export type Mock = EngineMock<SeededData, VendorInstances>;

/** Options of `createMock`: any part left out is the default; vendors' options by vendor id. */
export type CreateMockOptions = Omit<MockOptionsInput, 'vendors'> & {
  readonly vendors?: VendorOptions;
};

/**
 * Builds churnmock with every registered vendor (not listening: `mock.app` is the listener).
 * `hooks` may give a scheduler, hear start-up progress, or take the log lines.
 */
export async function createMock(
  options: CreateMockOptions = {},
  hooks: EngineHooks = {},
): Promise<Mock> {
  return (await createMockFrom(REGISTRY, options, hooks)) as unknown as Mock;
}
