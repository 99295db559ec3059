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
