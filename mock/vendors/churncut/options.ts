import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';

/** Everything configurable about the ChurnCut API (webhook targets and retries are the engine's). */
export interface ChurnCutOptions {
  /** `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Key of the webhook HMAC (ChurnCut API docs, Webhooks: the `secret` of verifyWebhook). */
  readonly webhookSecret: string;
  /** Requests per minute per key (1000: docs/decisions/003, rate limit). */
  readonly rateLimit: number;
  /** Answer 429 over the limit; false keeps the headers only. */
  readonly enforceRateLimit: boolean;
}

export const DEFAULT_CC_OPTIONS: ChurnCutOptions = {
  apiKey: 'cc_test_churnmock',
  webhookSecret: 'whsec_churnmock',
  rateLimit: 1000,
  enforceRateLimit: true,
};

/** `serve`'s flags for ChurnCut. */
export const CHURNCUT_CLI: VendorCli<ChurnCutOptions> = {
  options: [
    new Option('--cc-api-key <key>', 'ChurnCut API key (Authorization: Bearer …)')
      .env('CHURNMOCK_CC_API_KEY')
      .default(DEFAULT_CC_OPTIONS.apiKey),
    new Option('--cc-webhook-secret <secret>', 'ChurnCut webhook signing secret')
      .env('CHURNMOCK_CC_WEBHOOK_SECRET')
      .default(DEFAULT_CC_OPTIONS.webhookSecret),
    new Option('--no-rate-limit', 'ChurnCut: send X-RateLimit-* headers but never answer 429'),
  ],
  read: (flags) => ({
    apiKey: String(flags.ccApiKey),
    webhookSecret: String(flags.ccWebhookSecret),
    enforceRateLimit: flags.rateLimit !== false,
  }),
};
