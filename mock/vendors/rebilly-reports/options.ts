import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';

/** What the Rebilly module accepts: API keys (header REB-APIKEY) and HS256 JWTs. */
export interface RebillyCredentials {
  /** A secret API key with every permission. */
  readonly apiKey: string;
  /** A valid key without the report permission: the 403 case. */
  readonly restrictedApiKey: string;
  /** Shared secret of HS256 bearer tokens. */
  readonly jwtSecret: string;
}

/** The demo credentials (README, start-up banner). */
export const DEFAULT_REBILLY_CREDENTIALS: RebillyCredentials = {
  apiKey: 'sk_test_churnmock',
  restrictedApiKey: 'sk_test_noreports',
  jwtSecret: 'jwt_secret_churnmock',
};

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
