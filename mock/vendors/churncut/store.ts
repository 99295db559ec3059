import type { ChurnCutDataset } from '../../../generators/churncut.ts';
import {
  monthlyUsdCents,
  type Offer,
  offerInEffectUntil,
  type Reason,
} from '../../../generators/churncut-offers.ts';
import { alphanumeric, deriveSeed, Rng } from '../../../generators/random.ts';
import { SEED_EXAMPLE_IDS } from '../../../generators/seed-examples.ts';
import type { Customer } from '../../../generators/world.ts';
import { CustomerIndex, seededFlowId, seededFlowIndex } from './ids.ts';
import {
  CHURNED,
  type CustomerStatus,
  copyOutcomes,
  type Outcomes,
  RETAINED,
  STATUSES,
  seededOutcomes,
  statusCodesAt,
} from './status.ts';

export { type CustomerStatus, STATUSES } from './status.ts';

/** A flow started through the API (seeded flows stay in the dataset's typed arrays). */
export interface LiveFlow {
  readonly id: string;
  readonly customer: number;
  readonly reason: Reason;
  readonly created: number;
  readonly expiresAt: number;
  readonly flowUrl: string;
  readonly redirectUrl: string;
  readonly offers: readonly Offer[];
  status: 'pending' | 'completed' | 'expired';
  outcome: 'retained' | 'cancelled' | null;
  offer: Offer | null;
  completedAt: number | null;
}

/** A completed cancellation, for churn analytics. */
export interface ChurnEvent {
  readonly t: number;
  readonly mrr: number;
}

/**
 * ChurnCut's state: the seeded dataset (immutable typed arrays) plus what the API changed —
 * outcomes, ended subscriptions and live flows. `reset` copies the seeded arrays back. Statuses
 * are read at `now` (the mock clock; the as-of date when none is given): a `retained` customer
 * is `active` again once the accepted offer has run out.
 */
export class ChurnCutStore {
  readonly data: ChurnCutDataset;
  readonly index: CustomerIndex;
  readonly #seeded: Outcomes;
  readonly #now: () => number;
  #seededCodes: Uint8Array | null = null;
  /** Seeded cancellations by time, with prefix sums of their MRR. */
  readonly churnTimes: Float64Array;
  readonly churnMrr: Float64Array;
  /** Seeded flow indices by creation time. */
  readonly flowsByCreated: Int32Array;
  /** Subscription start times, sorted. */
  readonly starts: Float64Array;
  #state: Outcomes;
  /** The status codes last computed, for the version and time they were computed at. */
  #codes: { readonly version: number; readonly now: number; readonly codes: Uint8Array } | null =
    null;
  #flows = new Map<string, LiveFlow>();
  #byCustomer = new Map<number, LiveFlow[]>();
  #churns: ChurnEvent[] = [];
  #rng: Rng;
  #version = 0;

  constructor(data: ChurnCutDataset, now: () => number = () => data.world.asOf) {
    this.data = data;
    this.#now = now;
    const customers = data.world.customers;
    this.index = new CustomerIndex(customers);
    this.#seeded = seededOutcomes(data);
    this.#state = copyOutcomes(this.#seeded);
    this.#rng = new Rng(deriveSeed(data.world.seed, 'churncut-live'));
    const f = data.flows;
    const churned: number[] = [];
    for (let k = 0; k < f.count; k++) if (f.outcome[k] === 1) churned.push(k);
    churned.sort((a, b) => (f.finished[a] as number) - (f.finished[b] as number));
    this.churnTimes = Float64Array.from(churned, (k) => f.finished[k] as number);
    this.churnMrr = new Float64Array(churned.length + 1);
    churned.forEach((k, j) => {
      const c = customers[f.customer[k] as number] as Customer;
      this.churnMrr[j + 1] = (this.churnMrr[j] as number) + monthlyUsdCents(c);
    });
    this.flowsByCreated = new Int32Array(f.count);
    for (let k = 0; k < f.count; k++) this.flowsByCreated[k] = k;
    this.flowsByCreated.sort((a, b) => (f.created[a] as number) - (f.created[b] as number));
    this.starts = Float64Array.from(customers, (c) => c.subscription.start).sort();
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    this.#state = copyOutcomes(this.#seeded);
    this.#flows = new Map();
    this.#byCustomer = new Map();
    this.#churns = [];
    this.#rng = new Rng(deriveSeed(this.data.world.seed, 'churncut-live'));
    this.#version++;
  }

  /** Changes on every write; part of the response-cache key. */
  get version(): number {
    return this.#version;
  }

  customer(i: number): Customer {
    return this.data.world.customers[i] as Customer;
  }

  /** Customer `i`'s status at `now` (by default the store's clock). */
  status(i: number, now = this.#now()): CustomerStatus {
    const code = this.#state.status[i] as number;
    if (code === RETAINED && !(now < (this.#state.retainedUntil[i] as number))) return 'active';
    return STATUSES[code] ?? 'active';
  }

  /** Every customer's status code at the store's clock, for fast list filtering (read only). */
  get statusCodes(): Uint8Array {
    const now = this.#now();
    const cached = this.#codes;
    if (cached && cached.version === this.#version && cached.now === now) return cached.codes;
    const codes = statusCodesAt(this.#state, now);
    this.#codes = { version: this.#version, now, codes };
    return codes;
  }

  /** When the customer's subscription ended, or null while it runs. */
  endedAt(i: number): number | null {
    const t = this.#state.endedAt[i] as number;
    return Number.isNaN(t) ? null : t;
  }

  /**
   * Customer `i`'s status as seeded, at the as-of date (what a reset restores, with the clock
   * back at its start), whatever happened since.
   */
  seededStatus(i: number): CustomerStatus {
    return STATUSES[this.seededStatusCodes[i] as number] ?? 'active';
  }

  /** The seeded status codes at the as-of date (read only), as `statusCodes` is after a reset. */
  get seededStatusCodes(): Uint8Array {
    this.#seededCodes ??= statusCodesAt(this.#seeded, this.data.world.asOf);
    return this.#seededCodes;
  }

  /** When customer `i`'s subscription ended in the seed, or null if it ran then. */
  seededEndedAt(i: number): number | null {
    const t = this.#seeded.endedAt[i] as number;
    return Number.isNaN(t) ? null : t;
  }

  /** The id of seeded flow `k`: its scrambled index, or the ChurnCut API docs' `flow_123456`. */
  seededFlowId(k: number): string {
    return k === this.data.exampleFlow ? SEED_EXAMPLE_IDS.flowId : seededFlowId(k);
  }

  /** The seeded flow with this id, or -1. */
  seededFlowIndex(id: string): number {
    if (id === SEED_EXAMPLE_IDS.flowId) return this.data.exampleFlow ?? -1;
    const k = seededFlowIndex(id, this.data.flows.count);
    return k === this.data.exampleFlow ? -1 : k;
  }

  flow(id: string): LiveFlow | undefined {
    return this.#flows.get(id);
  }

  /** A customer's live flows, oldest first. */
  flowsOf(i: number): readonly LiveFlow[] {
    return this.#byCustomer.get(i) ?? [];
  }

  /** Every live flow, oldest first. */
  liveFlows(): IterableIterator<LiveFlow> {
    return this.#flows.values();
  }

  /** Completed cancellations made through the API. */
  get liveChurns(): readonly ChurnEvent[] {
    return this.#churns;
  }

  /** A fresh live flow id (seeded stream: same calls ⇒ same ids after every reset). */
  newFlowId(): string {
    return `flow_${alphanumeric(this.#rng, 16)}`;
  }

  addFlow(flow: LiveFlow): void {
    this.#flows.set(flow.id, flow);
    this.#byCustomer.set(flow.customer, [...this.flowsOf(flow.customer), flow]);
    this.#version++;
  }

  /** Records an outcome's effect on the customer (status, subscription, churn analytics). */
  applyOutcome(flow: LiveFlow, at: number): void {
    const state = this.#state;
    if (flow.outcome === 'retained' && flow.offer) {
      state.status[flow.customer] = RETAINED;
      state.retainedUntil[flow.customer] = offerInEffectUntil(flow.offer, at);
    }
    if (flow.outcome === 'cancelled') {
      state.status[flow.customer] = CHURNED;
      state.endedAt[flow.customer] = at;
      this.#churns.push({ t: at, mrr: monthlyUsdCents(this.customer(flow.customer)) });
    }
    this.#version++;
  }

  /** Marks pending flows whose expiry has passed as expired; true when any changed. */
  expire(now: number): boolean {
    let changed = false;
    for (const f of this.#flows.values()) {
      if (f.status === 'pending' && now >= f.expiresAt) {
        f.status = 'expired';
        changed = true;
      }
    }
    if (changed) this.#version++;
    return changed;
  }
}
