import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';
import { DEFAULT_REBILLY_CREDENTIALS, type RebillyCredentials } from './options.ts';

/** `serve`'s flags for the Rebilly report. */
export const REBILLY_CLI: VendorCli<RebillyCredentials> = {
  options: [
    new Option('--rebilly-api-key <key>', 'Rebilly secret API key (REB-APIKEY)')
      .env('CHURNMOCK_REBILLY_API_KEY')
      .default(DEFAULT_REBILLY_CREDENTIALS.apiKey),
    new Option(
      '--rebilly-restricted-key <key>',
      'a valid Rebilly API key without the report permission (answered 403)',
    )
      .env('CHURNMOCK_REBILLY_RESTRICTED_KEY')
      .default(DEFAULT_REBILLY_CREDENTIALS.restrictedApiKey),
    new Option('--rebilly-jwt-secret <secret>', 'Rebilly HS256 JWT secret (Authorization: Bearer)')
      .env('CHURNMOCK_REBILLY_JWT_SECRET')
      .default(DEFAULT_REBILLY_CREDENTIALS.jwtSecret),
  ],
  read: (flags) => ({
    apiKey: String(flags.rebillyApiKey),
    restrictedApiKey: String(flags.rebillyRestrictedKey),
    jwtSecret: String(flags.rebillyJwtSecret),
  }),
};
