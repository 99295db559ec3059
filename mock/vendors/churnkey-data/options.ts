import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';

/** The Data API's credentials: headers `x-ck-api-key` and `x-ck-app` (Churnkey Data API docs, Authorization). */
export interface ChurnkeyCredentials {
  readonly apiKey: string;
  readonly appId: string;
}

export const DEFAULT_CK_CREDENTIALS: ChurnkeyCredentials = {
  apiKey: 'data_test_churnmock',
  appId: 'app_churnmock',
};

/** `serve`'s flags for the Data API. */
export const CHURNKEY_DATA_CLI: VendorCli<ChurnkeyCredentials> = {
  options: [
    new Option('--ck-api-key <key>', 'Churnkey Data API key (x-ck-api-key)')
      .env('CHURNMOCK_CK_API_KEY')
      .default(DEFAULT_CK_CREDENTIALS.apiKey),
    new Option('--ck-app <id>', 'Churnkey app id (x-ck-app)')
      .env('CHURNMOCK_CK_APP')
      .default(DEFAULT_CK_CREDENTIALS.appId),
  ],
  read: (flags) => ({ apiKey: String(flags.ckApiKey), appId: String(flags.ckApp) }),
};
