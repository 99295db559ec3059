import { liveOffers, type Offer, type Reason } from '../../../generators/churncut-offers.ts';
import { DAY, iso } from '../../../generators/time.ts';
import type { MockClock } from '../../core/time/clock.ts';
import { type ChurnCutErrorCode, MESSAGES } from './errors.ts';
import type { ChurnCutStore, LiveFlow } from './store.ts';

/** The four events of the ChurnCut API docs' webhook table (Webhooks, Available events). */
export type ChurnCutEvent =
  | 'cancellation.started'
  | 'cancellation.retained'
  | 'cancellation.completed'
  | 'offer.accepted';

/** Hands one event payload to the webhook dispatcher (which delivers it later). */
export type EmitEvent = (event: ChurnCutEvent, payload: Record<string, unknown>) => void;

export type LifecycleResult =
  | { readonly ok: true; readonly flow: LiveFlow; readonly created: boolean }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: ChurnCutErrorCode;
      readonly message: string;
    };

export interface StartFlow {
  readonly customer_id: string;
  readonly subscription_id: string;
  readonly reason: Reason;
  readonly redirect_url: string;
}

const fail = (status: number, code: ChurnCutErrorCode, message: string): LifecycleResult => ({
  ok: false,
  status,
  code,
  message,
});

/** Flow state transitions (start, accept an offer, cancel, expire) and their webhooks. */
export class FlowLifecycle {
  constructor(
    private readonly store: ChurnCutStore,
    private readonly clock: MockClock,
    private readonly emit: EmitEvent,
  ) {
    clock.onChange(() => store.expire(clock.now()));
  }

  #send(event: ChurnCutEvent, flow: LiveFlow, offer: Offer | null, at: number): void {
    const c = this.store.customer(flow.customer);
    this.emit(event, {
      event,
      timestamp: iso(at),
      data: { customer_id: c.id, subscription_id: c.subscription.id, flow_id: flow.id, offer },
    });
  }

  /** A live flow by id, with expiry applied against the mock clock. */
  find(id: string): LiveFlow | undefined {
    this.store.expire(this.clock.now());
    return this.store.flow(id);
  }

  /** Starts a flow, or returns the subscription's open one (docs/decisions/003). */
  start(body: StartFlow, baseUrl: string): LifecycleResult {
    const i = this.store.index.get(body.customer_id);
    if (i < 0) return fail(400, 'customer_not_found', MESSAGES.customerNotFound(body.customer_id));
    const c = this.store.customer(i);
    if (c.subscription.id !== body.subscription_id)
      return fail(
        400,
        'subscription_mismatch',
        MESSAGES.subscriptionMismatch(body.subscription_id, body.customer_id),
      );
    if (this.store.endedAt(i) !== null)
      return fail(409, 'subscription_inactive', MESSAGES.subscriptionInactive(c.subscription.id));
    const now = this.clock.now();
    this.store.expire(now);
    const open = this.store.flowsOf(i).find((f) => f.status === 'pending');
    if (open) return { ok: true, flow: open, created: false };
    if (this.store.full) return fail(507, 'storage_full', MESSAGES.storageFull);
    const id = this.store.newFlowId();
    const flow: LiveFlow = {
      id,
      customer: i,
      reason: body.reason,
      created: now,
      expiresAt: now + DAY,
      flowUrl: `${baseUrl}/flow/${id}`,
      redirectUrl: body.redirect_url,
      offers: liveOffers(body.reason, c.subscription.plan.tier),
      status: 'pending',
      outcome: null,
      offer: null,
      completedAt: null,
    };
    this.store.addFlow(flow);
    this.#send('cancellation.started', flow, null, now);
    return { ok: true, flow, created: true };
  }

  #pending(id: string): LifecycleResult {
    const flow = this.find(id);
    if (!flow) return fail(404, 'flow_not_found', MESSAGES.flowNotFound(id));
    if (flow.status !== 'pending')
      return fail(409, 'flow_closed', `Flow ${id} is ${flow.status}; it can no longer change`);
    return { ok: true, flow, created: false };
  }

  /** The customer accepts one of the flow's offers: retained. */
  accept(id: string, type: string): LifecycleResult {
    const found = this.#pending(id);
    if (!found.ok) return found;
    const { flow } = found;
    const offer = flow.offers.find((o) => o.type === type);
    if (!offer) return fail(400, 'invalid_request', `Flow ${id} does not offer "${type}"`);
    const now = this.clock.now();
    Object.assign(flow, { status: 'completed', outcome: 'retained', offer, completedAt: now });
    this.store.applyOutcome(flow, now);
    this.#send('offer.accepted', flow, offer, now);
    this.#send('cancellation.retained', flow, offer, now);
    return found;
  }

  /** The customer confirms the cancellation: churned, the subscription ends. */
  cancel(id: string): LifecycleResult {
    const found = this.#pending(id);
    if (!found.ok) return found;
    const { flow } = found;
    const now = this.clock.now();
    Object.assign(flow, { status: 'completed', outcome: 'cancelled', completedAt: now });
    this.store.applyOutcome(flow, now);
    this.#send('cancellation.completed', flow, null, now);
    return found;
  }
}
