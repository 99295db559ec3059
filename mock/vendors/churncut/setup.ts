import type { Express } from 'express';
import type { VendorModule } from '../../core/pipeline/types.ts';
import type { MockClock } from '../../core/time/clock.ts';
import { WebhookDispatcher } from '../../core/webhooks/dispatcher.ts';
import { CHURNCUT_PREFIXES, churncutModule } from './index.ts';
import { FlowLifecycle } from './lifecycle.ts';
import type { ChurnCutOptions } from './options.ts';
import { mountFlowPage } from './page.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ChurnCutStore } from './store.ts';

/** Header names of ChurnCut webhooks (the vendor names none; docs/decisions/003). */
export const WEBHOOK_HEADERS = {
  signature: 'X-ChurnCut-Signature',
  delivery: 'X-ChurnCut-Delivery',
  timestamp: 'X-ChurnCut-Timestamp',
} as const;

/** Everything the ChurnCut API needs, wired: store, lifecycle, webhooks, module, page. */
export interface ChurnCut {
  readonly store: ChurnCutStore;
  readonly flows: FlowLifecycle;
  readonly webhooks: WebhookDispatcher;
  readonly module: VendorModule;
  /** Rate limiting (before body parsing, so every API response has its headers) and the page. */
  mount(app: Express): void;
  reset(): void;
}

/** Builds ChurnCut's parts around its store of seeded data. */
export function createChurnCut(
  store: ChurnCutStore,
  clock: MockClock,
  options: ChurnCutOptions,
): ChurnCut {
  const webhooks = new WebhookDispatcher({
    secret: options.webhookSecret,
    urls: options.webhookUrls,
    maxAttempts: options.webhookMaxAttempts,
    backoffMs: options.webhookBackoffMs,
    timeoutMs: options.webhookTimeoutMs,
    headers: WEBHOOK_HEADERS,
  });
  const flows = new FlowLifecycle(store, clock, (event, payload) => webhooks.send(event, payload));
  const limiter = new RateLimiter(options.rateLimit, options.enforceRateLimit);
  return {
    store,
    flows,
    webhooks,
    module: { ...churncutModule(store, clock, flows, options), gate: (h) => limiter.check(h) },
    mount(app) {
      app.use(CHURNCUT_PREFIXES, limiter.middleware());
      mountFlowPage(app, store, flows);
    },
    reset() {
      store.reset();
      webhooks.reset();
    },
  };
}
