/** Everything configurable about the ChurnCut API (webhook targets and retries are the engine's). */
export interface ChurnCutOptions {
  /** `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Key of the webhook HMAC (ChurnCut API docs, Webhooks: the `secret` of verifyWebhook). */
  readonly webhookSecret: string;
  /**
   * Requests per minute per key, answered 429 beyond (1000: docs/decisions/003, rate limit);
   * false keeps the `X-RateLimit-*` headers (of the documented 1000) and never answers 429.
   */
  readonly rateLimit: number | false;
}

export const DEFAULT_CC_OPTIONS: ChurnCutOptions = {
  apiKey: 'cc_test_churnmock',
  webhookSecret: 'whsec_churnmock',
  rateLimit: 1000,
};

/** The limit the headers show when `rateLimit` is false. */
export const DOCUMENTED_RATE_LIMIT = 1000;
