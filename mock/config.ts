import { DEFAULT_AS_OF } from '../generators/time.ts';
import { type ChurnCutOptions, DEFAULT_CC_OPTIONS } from './vendors/churncut/options.ts';
import { type ChurnkeyCredentials, DEFAULT_CK_CREDENTIALS } from './vendors/churnkey-data/index.ts';
import {
  DEFAULT_HOSTED_FLOW_OPTIONS,
  type HostedFlowOptions,
} from './vendors/churnkey-hosted-flow/options.ts';
import {
  DEFAULT_REBILLY_CREDENTIALS,
  type RebillyCredentials,
} from './vendors/rebilly-reports/auth.ts';

/** Everything a mock instance is built from. */
export interface MockOptions {
  seed: number;
  asOf: string;
  scale: number;
  validateResponses: boolean;
  churnkey: ChurnkeyCredentials;
  churncut: ChurnCutOptions;
  rebilly: RebillyCredentials;
  hostedFlow: HostedFlowOptions;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export const DEFAULT_OPTIONS: MockOptions = {
  seed: DEFAULT_SEED,
  asOf: DEFAULT_AS_OF,
  scale: 1,
  validateResponses: false,
  churnkey: DEFAULT_CK_CREDENTIALS,
  churncut: DEFAULT_CC_OPTIONS,
  rebilly: DEFAULT_REBILLY_CREDENTIALS,
  hostedFlow: DEFAULT_HOSTED_FLOW_OPTIONS,
};
