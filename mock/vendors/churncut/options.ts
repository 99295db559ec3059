/** Everything configurable about the ChurnCut module (its CLI flags are in its definition). */
export interface ChurnCutOptions {
  /** `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Key of the webhook HMAC (seed 001's verifyWebhook `secret`). */
  readonly webhookSecret: string;
  /** Webhook targets from `--webhook-url`. */
  readonly webhookUrls: readonly string[];
  /** Attempts per delivery, the first included. */
  readonly webhookMaxAttempts: number;
  /** Delay before the first retry; doubles each time (capped at 60 s). */
  readonly webhookBackoffMs: number;
  /** Per-attempt timeout. */
  readonly webhookTimeoutMs: number;
  /** Requests per minute per key (API-NOTES: 1000). */
  readonly rateLimit: number;
  /** Answer 429 over the limit; false keeps the headers only. */
  readonly enforceRateLimit: boolean;
}

export const DEFAULT_CC_OPTIONS: ChurnCutOptions = {
  apiKey: 'cc_test_churnmock',
  webhookSecret: 'whsec_churnmock',
  webhookUrls: [],
  webhookMaxAttempts: 8,
  webhookBackoffMs: 1000,
  webhookTimeoutMs: 5000,
  rateLimit: 1000,
  enforceRateLimit: true,
};
