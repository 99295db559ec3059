import type { DeepPartial } from './core/options.ts';
import type { ChurnCutOptions } from './vendors/churncut/options.ts';
import type { ChurnkeyCredentials } from './vendors/churnkey-data/options.ts';
import type { HostedFlowOptions } from './vendors/churnkey-hosted-flow/options.ts';
import type { RebillyCredentials } from './vendors/rebilly-reports/options.ts';

/**
 * Each built vendor's options, by vendor id; any part left out is the vendor's default. The
 * public API's types (`startMock({ churncut: … })`): the vendors' `options.ts` only, so a
 * TypeScript user's compiler reads none of the engine's types. `mock/registry.ts` checks that
 * this lists exactly the registry's vendors with their options (a missing or extra id, or a
 * changed options type, fails the typecheck).
 */
export type VendorOptions = {
  readonly 'churnkey-data'?: DeepPartial<ChurnkeyCredentials>;
  readonly 'churnkey-hosted-flow'?: DeepPartial<HostedFlowOptions>;
  readonly churncut?: DeepPartial<ChurnCutOptions>;
  readonly 'rebilly-reports'?: DeepPartial<RebillyCredentials>;
};
