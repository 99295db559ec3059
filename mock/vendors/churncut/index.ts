import type { SeededData } from '../../../generators/dataset.ts';
import { type BuildContext, defineVendor, type VendorInstance } from '../../core/vendor.ts';
import type { Signing } from '../../core/webhooks/dispatcher.ts';
import { CHURNCUT_CLI } from './cli.ts';
import { churncutError } from './errors.ts';
import { CHURNCUT_PREFIXES, churncutModule } from './handlers.ts';
import { FlowLifecycle } from './lifecycle.ts';
import { seededFlowJson, toCustomerDetail } from './materialize.ts';
import { type ChurnCutOptions, DEFAULT_CC_OPTIONS, DOCUMENTED_RATE_LIMIT } from './options.ts';
import { mountFlowPage } from './page.ts';
import { RateLimiter } from './rate-limit.ts';
import { churncutStates } from './states.ts';
import { ChurnCutStore } from './store.ts';
import { CHURNCUT_WEBHOOK_EVENTS, churncutTriggers } from './triggers.ts';

/** Header names of ChurnCut webhooks (the vendor names none; docs/decisions/003). */
export const WEBHOOK_HEADERS = {
  signature: 'X-ChurnCut-Signature',
  delivery: 'X-ChurnCut-Delivery',
  timestamp: 'X-ChurnCut-Timestamp',
} as const;

/** A built ChurnCut API: its store and the flow lifecycle (tests and provider states drive it). */
export interface ChurnCut extends VendorInstance {
  readonly store: ChurnCutStore;
  readonly flows: FlowLifecycle;
}

/** The ChurnCut API (ChurnCut API docs): customers, cancellation flows, analytics, webhooks. */
export const churncut = defineVendor({
  id: 'churncut',
  title: 'ChurnCut API',
  defaults: DEFAULT_CC_OPTIONS,
  cli: CHURNCUT_CLI,
  pact: { provider: 'churncut-api', consumer: 'retention-app', signed: false },
  sample: {
    path: '/v1/customers?limit=100',
    headers: { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` },
  },
  webhookEvents: CHURNCUT_WEBHOOK_EVENTS,
  build(
    { data, clock, scheduler, webhooks }: BuildContext<SeededData>,
    options: ChurnCutOptions,
  ): ChurnCut {
    const store = new ChurnCutStore(data.churncut, () => clock.now());
    const signing: Signing = { secret: options.webhookSecret, headers: WEBHOOK_HEADERS };
    const send = (event: string, payload: unknown) => webhooks.send(event, payload, signing);
    const flows = new FlowLifecycle(store, clock, send);
    const { rateLimit } = options;
    const limiter = new RateLimiter(
      rateLimit === false ? DOCUMENTED_RATE_LIMIT : rateLimit,
      rateLimit !== false,
      scheduler,
    );
    // A test that resets the mock or moves its clock starts with a fresh allowance.
    clock.onChange(() => limiter.clear());
    return {
      store,
      persistent: store,
      flows,
      api: {
        ...churncutModule(store, clock, flows, options),
        gate: (h) => limiter.check(h),
        stubError: (status, message) =>
          status === 429 ? limiter.exhausted() : { status, body: churncutError(status, message) },
      },
      states: churncutStates({ store, flows }),
      triggers: churncutTriggers(store, clock, send),
      // Retry-After: on a 429, how many seconds until the window resets.
      exposedHeaders: [
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Retry-After',
      ],
      // Rate limiting before body parsing, so every API response has its headers; then the page.
      mount(app) {
        app.use(CHURNCUT_PREFIXES, limiter.middleware());
        mountFlowPage(app, store, flows);
      },
      reset() {
        store.reset();
        limiter.clear();
      },
      credentials: () => [
        {
          label: 'API key',
          value: options.apiKey,
          header: { name: 'Authorization', value: `Bearer ${options.apiKey}` },
        },
        { label: 'Webhook signing secret (X-ChurnCut-Signature)', value: options.webhookSecret },
      ],
      banner: (base) => [
        `  ChurnCut API        ${base}/v1/customers | /v1/cancellation-flows | /v1/analytics/*   ${data.world.customers.length} customers, ${store.data.flows.count} past flows`,
        `    header: Authorization: Bearer ${options.apiKey}   webhooks: ${webhooks.targets().join(', ') || 'none yet (POST /__admin/webhooks)'}`,
      ],
    };
  },
  *records(data: SeededData) {
    const store = new ChurnCutStore(data.churncut);
    for (let i = 0; i < data.world.customers.length; i++)
      yield { type: 'churncut.customer', data: toCustomerDetail(store, i, data.world.asOf) };
    for (let k = 0; k < store.data.flows.count; k++)
      yield { type: 'churncut.flow', data: seededFlowJson(store, k) };
  },
  counts: (data: SeededData) => ({ 'churncut flows': data.churncut.flows.count }),
});
