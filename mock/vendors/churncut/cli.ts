import { Option } from 'commander';
import type { VendorCli } from '../../core/vendor.ts';
import { type ChurnCutOptions, DEFAULT_CC_OPTIONS } from './options.ts';

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
    ...(flags.rateLimit === false ? { rateLimit: false } : {}),
  }),
};
