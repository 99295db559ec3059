import { generateSeededData, type SeededData, worldRecords } from '../generators/dataset.ts';
import { decodeSeededData, encodeSeededData, type SnapshotHeader } from '../generators/snapshot.ts';
import type { DeepPartial } from './core/options.ts';
import type { Registry } from './core/vendor.ts';
import type { VendorOptions } from './vendor-options.ts';
import { churncut } from './vendors/churncut/index.ts';
import { churnkeyCustomerData } from './vendors/churnkey-customer-data/index.ts';
import { churnkeyData } from './vendors/churnkey-data/index.ts';
import { churnkeyHostedFlow } from './vendors/churnkey-hosted-flow/index.ts';
import { rebillyReports } from './vendors/rebilly-reports/index.ts';

/**
 * THE list of vendor APIs, in the order they are built, served, listed and printed (a vendor
 * may use those before it: the hosted flow writes into the Data API's store). The app, the
 * admin API, the CLI and its banner, `generate`, the pact verifier, the test helpers, the
 * Prism corpus check and the bench all iterate it. Adding a vendor: README, "Adding a vendor API".
 */
export const VENDORS = [
  churnkeyData,
  churnkeyCustomerData,
  churnkeyHostedFlow,
  churncut,
  rebillyReports,
] as const;

/** The registry churnmock runs: the seeded data of the shared world, and every vendor. */
export const REGISTRY: Registry<SeededData> = {
  data: generateSeededData,
  records: worldRecords,
  counts: (data) => ({ customers: data.world.customers.length }),
  codec: {
    encode: encodeSeededData,
    decode: (header, r, strings) => decodeSeededData(header as SnapshotHeader, r, strings),
    anchor: (data) => data.world.customers,
  },
  vendors: VENDORS,
};

type Definition = (typeof VENDORS)[number];

/** Each built vendor's instance type, by vendor id. */
export type VendorInstances = {
  readonly [D in Definition as D extends { build: unknown } ? D['id'] : never]: D extends {
    build(...args: never[]): infer I;
  }
    ? Awaited<I>
    : never;
};

/** Each built vendor's options, derived from the list (`VendorOptions` must equal it). */
type DerivedOptions = {
  readonly [D in Definition as D extends { build: unknown } ? D['id'] : never]?: DeepPartial<
    D['defaults']
  >;
};
/** True only for identical types (optional-only object types are otherwise assignable both ways). */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails the typecheck when `VendorOptions` (mock/vendor-options.ts) and VENDORS disagree. */
export const VENDOR_OPTIONS_MATCH: Same<DerivedOptions, VendorOptions> = true;
