/** How the hosted cancel-flow simulator reaches your Customer Data Endpoint. */
export interface HostedFlowOptions {
  /**
   * Your endpoint (Churnkey docs, Customer Data Endpoint), or null to run sessions without
   * customer attributes.
   */
  readonly customerDataUrl: string | null;
  /** The Churnkey API key: signs endpoint calls and checks the page's authHash. */
  readonly apiKey: string;
  /** How long a session waits for your endpoint before going on without it. */
  readonly timeoutMs: number;
  /** A Cancel Flow definition file (JSON or YAML); null = the built-in default flow. */
  readonly flowFile: string | null;
  /** Secret of the `session` webhook's signature. */
  readonly webhookSecret: string;
}

export const DEFAULT_HOSTED_FLOW_OPTIONS: HostedFlowOptions = {
  customerDataUrl: null,
  apiKey: 'ck_test_churnmock',
  timeoutMs: 3000,
  flowFile: null,
  webhookSecret: 'whsec_churnmock',
};

/** Header names of Churnkey's `session` webhook (unconfirmed, our choice: docs/decisions/006). */
export const CHURNKEY_WEBHOOK_HEADERS = {
  signature: 'X-Churnkey-Signature',
  delivery: 'X-Churnkey-Delivery',
  timestamp: 'X-Churnkey-Timestamp',
} as const;
