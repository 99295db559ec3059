import { randomBytes } from 'node:crypto';
import { seededOffer } from '../../../generators/churncut-flows.ts';
import { liveOffers, type Offer } from '../../../generators/churncut-offers.ts';
import { SEED_EXAMPLE_IDS } from '../../../generators/seed-examples.ts';
import { iso } from '../../../generators/time.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { Trigger, TriggerInput, WebhookEventInfo } from '../../core/vendor.ts';
import type { WebhookEvent } from '../../core/webhooks/dispatcher.ts';
import { deepMerge } from '../../core/webhooks/trigger.ts';
import { MESSAGES } from './errors.ts';
import type { ChurnCutEvent } from './lifecycle.ts';
import type { ChurnCutStore } from './store.ts';

/** The ChurnCut API docs' webhook table (Webhooks, Available events), in its order. */
export const CHURNCUT_WEBHOOK_EVENTS: readonly (WebhookEventInfo & {
  readonly event: ChurnCutEvent;
})[] = [
  { event: 'cancellation.started', summary: 'the customer started a cancellation flow' },
  {
    event: 'cancellation.retained',
    summary: 'the customer was retained by an offer (after offer.accepted)',
  },
  { event: 'cancellation.completed', summary: 'the customer completed the cancellation' },
  { event: 'offer.accepted', summary: 'the customer accepted an offer' },
];

/** Outcome codes of seeded flows (generators/churncut-flows.ts OUTCOMES). */
const RETAINED = 0;
const CANCELLED = 1;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A flow id shaped like a live one (`flow_` and 16 letters or digits), drawn from the process's
 * randomness, not the store's seeded stream: a trigger must not change which ids the API hands
 * out next.
 */
function unsavedFlowId(): string {
  return `flow_${[...randomBytes(16)].map((b) => ALNUM[b % 62]).join('')}`;
}

/** The flow an event is about: its id and the offer the payload carries. */
interface FlowPart {
  readonly flowId: string;
  readonly offer: Offer | null;
}

/**
 * ChurnCut's webhooks on demand: each event built as `FlowLifecycle` sends it, for a seeded
 * customer, from that customer's own history where it has one, and sent through `send` (the
 * dispatcher, signed with ChurnCut's secret). Nothing in the store changes: no flow is created,
 * no status moves, the id stream is untouched.
 *
 * - `cancellation.started`: the customer's open flow, else an id no flow has; offer null.
 * - `offer.accepted`, `cancellation.retained`: the customer's newest retained flow and its
 *   offer, else an unsaved id and the first offer a new flow would show.
 * - `cancellation.completed`: the customer's newest cancelled flow, else an unsaved id; offer null.
 *
 * Default customers: `cus_abc123` (the docs' example, whose flow_123456 was retained with the
 * docs' 50 % discount) for every event but `cancellation.completed`, which takes the first
 * seeded customer whose newest seeded flow was cancelled.
 */
export function churncutTriggers(
  store: ChurnCutStore,
  clock: MockClock,
  send: (event: ChurnCutEvent, payload: Record<string, unknown>) => WebhookEvent,
): Record<ChurnCutEvent, Trigger> {
  const flows = store.data.flows;
  /** Seeded flows of customer `i`, newest first. */
  const seeded = function* (i: number) {
    for (let k = (flows.start[i + 1] as number) - 1; k >= (flows.start[i] as number); k--) yield k;
  };
  let completedDefault: number | undefined;
  const defaultCustomer = (event: ChurnCutEvent): number => {
    const example = store.index.get(SEED_EXAMPLE_IDS.customerId);
    if (event !== 'cancellation.completed') return Math.max(example, 0);
    if (completedDefault === undefined) {
      completedDefault = 0;
      const n = store.data.world.customers.length;
      for (let i = 0; i < n; i++) {
        const newest = seeded(i).next();
        if (!newest.done && flows.outcome[newest.value] === CANCELLED) {
          completedDefault = i;
          break;
        }
      }
    }
    return completedDefault;
  };

  const started = (i: number): FlowPart => {
    const open = store.flowsOf(i).find((f) => f.status === 'pending');
    return { flowId: open?.id ?? unsavedFlowId(), offer: null };
  };
  const retained = (i: number): FlowPart => {
    const live = [...store.flowsOf(i)].reverse().find((f) => f.outcome === 'retained' && f.offer);
    if (live) return { flowId: live.id, offer: live.offer };
    for (const k of seeded(i))
      if (flows.outcome[k] === RETAINED)
        return { flowId: store.seededFlowId(k), offer: seededOffer(flows, k) };
    const c = store.customer(i);
    const first = liveOffers('too_expensive', c.subscription.plan.tier)[0] ?? null;
    return { flowId: unsavedFlowId(), offer: first };
  };
  const completed = (i: number): FlowPart => {
    const live = [...store.flowsOf(i)].reverse().find((f) => f.outcome === 'cancelled');
    if (live) return { flowId: live.id, offer: null };
    for (const k of seeded(i))
      if (flows.outcome[k] === CANCELLED) return { flowId: store.seededFlowId(k), offer: null };
    return { flowId: unsavedFlowId(), offer: null };
  };
  const parts: Record<ChurnCutEvent, (i: number) => FlowPart> = {
    'cancellation.started': started,
    'offer.accepted': retained,
    'cancellation.retained': retained,
    'cancellation.completed': completed,
  };

  const trigger =
    (event: ChurnCutEvent): Trigger =>
    ({ customerId, data }: TriggerInput) => {
      const i = customerId === undefined ? defaultCustomer(event) : store.index.get(customerId);
      if (i < 0)
        return {
          refused: 404,
          message: `ChurnCut: ${MESSAGES.customerNotFound(String(customerId))}`,
        };
      const c = store.customer(i);
      const { flowId, offer } = parts[event](i);
      const built = {
        customer_id: c.id,
        subscription_id: c.subscription.id,
        flow_id: flowId,
        offer,
      };
      const payload = { event, timestamp: iso(clock.now()), data: deepMerge(built, data) };
      return { customerId: c.id, event: send(event, payload) };
    };
  return Object.fromEntries(
    CHURNCUT_WEBHOOK_EVENTS.map(({ event }) => [event, trigger(event)]),
  ) as Record<ChurnCutEvent, Trigger>;
}
