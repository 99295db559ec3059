import { FACTOR_TYPES, MAX_FACTORS, riskOf } from '../../../generators/churncut.ts';
import { OUTCOMES, seededOffer } from '../../../generators/churncut-flows.ts';
import { type Offer, REASONS } from '../../../generators/churncut-offers.ts';
import { billingPeriod, DAY, iso } from '../../../generators/time.ts';
import { RawJson } from '../../core/pipeline/raw-json.ts';
import type { ChurnCutStore, LiveFlow } from './store.ts';

/** The most the encoded customers may hold (a million customers' would be ~250 MB). */
export const CUSTOMER_FRAGMENT_BYTES = 64 * 1024 * 1024;
const LIST_OPEN = Buffer.from('{"success":true,"data":{"customers":[');
const COMMA = 0x2c;

/** A customer's bytes in a list (after a comma), and the status they were encoded with. */
interface Fragment {
  readonly status: string;
  readonly bytes: Buffer;
  /** The bytes without their comma (the page's first customer), made on first use. */
  first?: Buffer;
}

/**
 * `GET /v1/customers` pages assembled from each customer's JSON, encoded once: everything but
 * the status is fixed by the seed, so a customer is kept as its bytes with the status it had
 * when last listed (encoded again when that changes, after a write or a clock move), and a
 * page is one piece per customer (joined, or written out in one `writev`). The same bytes as
 * `JSON.stringify` of the envelope. Kept by customer index, up to `maxBytes` of them, then all
 * dropped at once (a sync paging through a million customers encodes each once a pass): an
 * LRU's bookkeeping on each of a page's customers cost more than encoding some again.
 */
export class CustomerFragments {
  #parts: (Fragment | undefined)[];
  #bytes = 0;
  /** The last page's closing bytes, reused while total and has_more are the same. */
  #tail = { total: -1, hasMore: false, bytes: Buffer.alloc(0) };

  constructor(
    readonly store: ChurnCutStore,
    readonly maxBytes = CUSTOMER_FRAGMENT_BYTES,
  ) {
    this.#parts = this.#empty();
  }

  /** One slot per customer (a dense array: a sparse one is a dictionary, slower to read). */
  #empty(): (Fragment | undefined)[] {
    return new Array(this.store.data.order.length);
  }

  /** Customer `i`'s fragment with `status`. */
  #of(i: number, status: string): Fragment {
    let f = this.#parts[i];
    if (f?.status !== status) {
      const bytes = Buffer.from(`,${JSON.stringify(customerSummary(this.store, i, status))}`);
      const cost = bytes.length + 96;
      // The one it replaces no longer counts; past the bound, none does.
      if (f) this.#bytes -= f.bytes.length + 96;
      if (this.#bytes + cost > this.maxBytes) {
        this.#parts = this.#empty();
        this.#bytes = 0;
      }
      f = { status, bytes };
      this.#parts[i] = f;
      this.#bytes += cost;
    }
    return f;
  }

  /** The list's whole body: `{success, data: {customers, total, has_more}}`. */
  list(indices: readonly number[], total: number, hasMore: boolean, now?: number): RawJson {
    const out: Buffer[] = [LIST_OPEN];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      const f = this.#of(i, this.store.status(i, now));
      if (k > 0) out.push(f.bytes);
      else {
        f.first ??= f.bytes[0] === COMMA ? f.bytes.subarray(1) : f.bytes;
        out.push(f.first);
      }
    }
    const tail = this.#tail;
    if (tail.total !== total || tail.hasMore !== hasMore)
      this.#tail = {
        total,
        hasMore,
        bytes: Buffer.from(`],"total":${total},"has_more":${hasMore}}}`),
      };
    out.push(this.#tail.bytes);
    return new RawJson(out);
  }
}

const prob = (hundredths: number): number => hundredths / 100;

function factorSlots(store: ChurnCutStore, i: number): { type: string; weight: number }[] {
  const out: { type: string; weight: number }[] = [];
  for (let j = 0; j < MAX_FACTORS; j++) {
    const t = store.data.factorTypes[i * MAX_FACTORS + j] as number;
    if (t === 0) break;
    const type = FACTOR_TYPES[t - 1] as string;
    out.push({ type, weight: prob(store.data.factorWeights[i * MAX_FACTORS + j] as number) });
  }
  return out;
}

/**
 * How many factors the list shows: the heaviest two. The ChurnCut API docs list `cus_abc123`
 * with `low_engagement` and `support_tickets` (List customers) and show it in detail with a
 * third, lighter `payment_failures` (Get customer).
 */
export const LIST_FACTORS = 2;

/**
 * A customer as `GET /v1/customers` lists it (ChurnCut API docs, List customers); its status
 * at `now` (by default the store's clock).
 */
export function toCustomerSummary(
  store: ChurnCutStore,
  i: number,
  now?: number,
): Record<string, unknown> {
  return customerSummary(store, i, store.status(i, now));
}

/** toCustomerSummary with the status given (the one part of it that changes). */
function customerSummary(store: ChurnCutStore, i: number, status: string): Record<string, unknown> {
  const c = store.customer(i);
  const p = store.data.probability[i] as number;
  return {
    id: c.id,
    email: c.email,
    risk_level: riskOf(p),
    churn_probability: prob(p),
    status,
    subscription_id: c.subscription.id,
    factors: factorSlots(store, i)
      .slice(0, LIST_FACTORS)
      .map((f) => f.type),
    created_at: iso(c.created),
  };
}

export interface HistoryEntry {
  event: 'cancellation_attempted';
  date: string;
  outcome: string;
  flow_id: string;
  offer: Offer | null;
  at: number;
}

function history(store: ChurnCutStore, i: number): Omit<HistoryEntry, 'at'>[] {
  const f = store.data.flows;
  const out: HistoryEntry[] = [];
  for (let k = f.start[i] as number; k < (f.start[i + 1] as number); k++) {
    const at = f.created[k] as number;
    const outcome = OUTCOMES[f.outcome[k] as number] as string;
    const offer = seededOffer(f, k);
    out.push({
      event: 'cancellation_attempted',
      date: iso(at),
      outcome,
      flow_id: store.seededFlowId(k),
      offer,
      at,
    });
  }
  for (const flow of store.flowsOf(i)) {
    if (flow.status === 'pending') continue;
    const outcome = flow.status === 'expired' ? 'expired' : (flow.outcome as string);
    out.push({
      event: 'cancellation_attempted',
      date: iso(flow.created),
      outcome,
      flow_id: flow.id,
      offer: flow.offer,
      at: flow.created,
    });
  }
  out.sort((a, b) => a.at - b.at);
  return out.map(({ at: _at, ...entry }) => entry);
}

/** A customer in detail (ChurnCut API docs, Get customer), plus the ids of its history. */
export function toCustomerDetail(store: ChurnCutStore, i: number, now: number) {
  const c = store.customer(i);
  const s = c.subscription;
  const ended = store.endedAt(i);
  const periodEnd =
    ended ??
    billingPeriod(s.start, s.plan.interval, s.plan.intervalCount, Math.max(now, s.start))[1];
  const {
    subscription_id: _sub,
    factors: _f,
    created_at,
    ...head
  } = toCustomerSummary(store, i, now);
  return {
    ...head,
    subscription: {
      id: s.id,
      plan: s.plan.tier,
      amount: s.plan.prices[s.currency] * s.quantity,
      currency: s.currency,
      current_period_end: iso(periodEnd),
      status: ended === null ? 'active' : 'canceled',
      ended_at: ended === null ? null : iso(ended),
    },
    factors: factorSlots(store, i),
    history: history(store, i),
    created_at,
  };
}

/** A seeded flow as `GET /v1/cancellation-flows/{id}` shows it. */
export function seededFlowJson(store: ChurnCutStore, k: number) {
  const f = store.data.flows;
  const c = store.customer(f.customer[k] as number);
  const outcome = f.outcome[k] as number;
  const created = f.created[k] as number;
  return {
    id: store.seededFlowId(k),
    status: outcome === 2 ? 'expired' : 'completed',
    outcome: outcome === 2 ? null : OUTCOMES[outcome],
    offer_accepted: seededOffer(f, k),
    completed_at: outcome === 2 ? null : iso(f.finished[k] as number),
    customer_id: c.id,
    subscription_id: c.subscription.id,
    reason: REASONS[f.reason[k] as number],
    created_at: iso(created),
    expires_at: iso(created + DAY),
    flow_url: null,
    redirect_url: null,
  };
}

/** A live flow as `GET /v1/cancellation-flows/{id}` shows it. */
export function liveFlowJson(store: ChurnCutStore, flow: LiveFlow) {
  const c = store.customer(flow.customer);
  return {
    id: flow.id,
    status: flow.status,
    outcome: flow.outcome,
    offer_accepted: flow.offer,
    completed_at: flow.completedAt === null ? null : iso(flow.completedAt),
    customer_id: c.id,
    subscription_id: c.subscription.id,
    reason: flow.reason,
    created_at: iso(flow.created),
    expires_at: iso(flow.expiresAt),
    flow_url: flow.flowUrl,
    redirect_url: flow.redirectUrl,
  };
}
