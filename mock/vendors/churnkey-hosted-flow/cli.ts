import { Option } from 'commander';
import { httpUrlFlag, integerFlag } from '../../core/flags.ts';
import type { VendorCli } from '../../core/vendor.ts';
import { DEFAULT_HOSTED_FLOW_OPTIONS, type HostedFlowOptions } from './options.ts';

/** `serve`'s flags for the hosted flow. */
export const HOSTED_FLOW_CLI: VendorCli<HostedFlowOptions> = {
  options: [
    new Option(
      '--customer-data-url <url>',
      'your Customer Data Endpoint; the hosted flow POSTs {customerId, signature} to it',
    )
      .env('CHURNMOCK_CUSTOMER_DATA_URL')
      .argParser(httpUrlFlag()),
    new Option(
      '--churnkey-api-key <key>',
      'Churnkey API key: signs Customer Data Endpoint calls, checks hosted-page authHash',
    )
      .env('CHURNMOCK_CHURNKEY_API_KEY')
      .default(DEFAULT_HOSTED_FLOW_OPTIONS.apiKey),
    new Option(
      '--customer-data-timeout-ms <n>',
      'the hosted flow waits this long for your endpoint',
    )
      .env('CHURNMOCK_CUSTOMER_DATA_TIMEOUT_MS')
      .argParser(integerFlag('customer-data-timeout-ms', 1, 60_000))
      .default(DEFAULT_HOSTED_FLOW_OPTIONS.timeoutMs),
    new Option('--flow <file>', 'Cancel Flow definition for the hosted flow (JSON or YAML)').env(
      'CHURNMOCK_FLOW',
    ),
    new Option('--ck-webhook-secret <secret>', 'signing secret of Churnkey `session` webhooks')
      .env('CHURNMOCK_CK_WEBHOOK_SECRET')
      .default(DEFAULT_HOSTED_FLOW_OPTIONS.webhookSecret),
  ],
  read: (flags) => ({
    customerDataUrl: (flags.customerDataUrl as string | undefined) ?? null,
    apiKey: String(flags.churnkeyApiKey),
    timeoutMs: flags.customerDataTimeoutMs as number,
    flowFile: (flags.flow as string | undefined) ?? null,
    webhookSecret: String(flags.ckWebhookSecret),
  }),
};
