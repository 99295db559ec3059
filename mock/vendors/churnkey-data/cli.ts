import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';
import { type ChurnkeyCredentials, DEFAULT_CK_CREDENTIALS } from './options.ts';

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
