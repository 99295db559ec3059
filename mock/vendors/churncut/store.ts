import type { ChurnCutDataset } from '../../../generators/churncut.ts';
import {
  monthlyUsdCents,
  type Offer,
  offerInEffectUntil,
  type Reason,
} from '../../../generators/churncut-offers.ts';
import { alphanumeric, deriveSeed, Rng } from '../../../generators/random.ts';
import { SEED_EXAMPLE_IDS } from '../../../generators/seed-examples.ts';
import { orderByValue } from '../../../generators/typed-arrays.ts';
import type { Customer } from '../../../generators/world.ts';
import { derived } from '../../core/derived.ts';
import type { PersistentPart, WriteSink } from '../../core/persist/part.ts';
import { partitionPoint } from '../../core/search.ts';
import { customerIds, type StringIndex } from '../../core/string-index.ts';
import { seededFlowId, seededFlowIndex } from './ids.ts';
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

/**
 * At most this many flows are started through the API between resets (each is held in memory
 * with its offers; ~100 MB at the cap): the next start is refused with a 507 until
 * `POST /__admin/reset`. Seeded flows do not count.
 */
export const MAX_LIVE_FLOWS = 100_000;

/** Inserts into a list sorted by `key`, after equal keys; the usual case (newest) appends. */
function insertSorted<T>(list: T[], item: T, key: (x: T) => number): void {
  const k = key(item);
  if (list.length === 0 || key(list[list.length - 1] as T) <= k) {
    list.push(item);
    return;
  }
  list.splice(
    partitionPoint(0, list.length, (i) => key(list[i] as T) <= k),
    0,
    item,
  );
}

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

/** What the store derives from the seeded data alone (see the store's fields). */
function seededArrays(data: ChurnCutDataset) {
  const customers = data.world.customers;
  const { status, retainedUntil, endedAt } = seededOutcomes(data);
  const f = data.flows;
  const ended: number[] = [];
  for (let k = 0; k < f.count; k++) if (f.outcome[k] === 1) ended.push(k);
  const churned = orderByValue(f.finished, ended);
  const churnTimes = Float64Array.from(churned, (k) => f.finished[k] as number);
  const churnMrr = new Float64Array(churned.length + 1);
  churned.forEach((k, j) => {
    const c = customers[f.customer[k] as number] as Customer;
    churnMrr[j + 1] = (churnMrr[j] as number) + monthlyUsdCents(c);
  });
  return {
    status,
    retainedUntil,
    endedAt,
    churnTimes,
    churnMrr,
    flowsByCreated: orderByValue(f.created.subarray(0, f.count)),
    starts: Float64Array.from(customers, (c) => c.subscription.start).sort(),
  };
}

/**
 * ChurnCut's state: the seeded dataset (immutable typed arrays) plus what the API changed —
 * outcomes, ended subscriptions and live flows. `reset` copies the seeded arrays back. Statuses
 * are read at `now` (the mock clock; the as-of date when none is given): a `retained` customer
 * is `active` again once the accepted offer has run out.
 */
export class ChurnCutStore implements PersistentPart {
  readonly data: ChurnCutDataset;
  readonly index: StringIndex;
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
  /** Live flows by creation time, and those still pending with the earliest expiry among them. */
  #byCreated: LiveFlow[] = [];
  #pending = new Set<LiveFlow>();
  #nextExpiry = Number.POSITIVE_INFINITY;
  /** Live cancellations by time. */
  #churns: ChurnEvent[] = [];
  #rng: Rng;
  /** Live flow ids drawn from the stream since the reset (replay draws as many). */
  #drawn = 0;
  /** Live flows in the order their outcome was applied (what the customers' state follows). */
  #completed: LiveFlow[] = [];
  #sink: WriteSink | null = null;
  #version = 0;

  constructor(data: ChurnCutDataset, now: () => number = () => data.world.asOf) {
    this.data = data;
    this.#now = now;
    const customers = data.world.customers;
    this.index = customerIds(customers);
    // Built once per dataset (or loaded with it from the data cache).
    const seeded = derived(customers, 'churncut.seeded', () => ({ arrays: seededArrays(data) }));
    const a = seeded.arrays as ReturnType<typeof seededArrays>;
    this.#seeded = { status: a.status, retainedUntil: a.retainedUntil, endedAt: a.endedAt };
    this.#state = copyOutcomes(this.#seeded);
    this.#rng = new Rng(deriveSeed(data.world.seed, 'churncut-live'));
    this.churnTimes = a.churnTimes;
    this.churnMrr = a.churnMrr;
    this.flowsByCreated = a.flowsByCreated;
    this.starts = a.starts;
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    this.#state = copyOutcomes(this.#seeded);
    this.#flows = new Map();
    this.#byCustomer = new Map();
    this.#byCreated = [];
    this.#pending = new Set();
    this.#nextExpiry = Number.POSITIVE_INFINITY;
    this.#churns = [];
    this.#completed = [];
    this.#rng = new Rng(deriveSeed(this.data.world.seed, 'churncut-live'));
    this.#drawn = 0;
    this.#version++;
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a write `persistTo` sent: `flow` (started), `outcome`, `expired`. */
  apply(kind: string, data: unknown): void {
    if (kind === 'flow') {
      const flow = data as LiveFlow;
      this.newFlowId(); // the stream moves on as it did
      this.#add({ ...flow });
    } else if (kind === 'outcome') {
      const d = data as {
        id: string;
        outcome: LiveFlow['outcome'];
        offer: Offer | null;
        at: number;
      };
      const flow = this.#flows.get(d.id);
      if (!flow) throw new Error(`journal: outcome of unknown flow ${d.id}`);
      Object.assign(flow, {
        status: 'completed',
        outcome: d.outcome,
        offer: d.offer,
        completedAt: d.at,
      });
      this.#applyOutcome(flow, d.at);
    } else if (kind === 'expired') {
      for (const id of (data as { ids: string[] }).ids) {
        const flow = this.#flows.get(id);
        if (flow?.status === 'pending') flow.status = 'expired';
      }
      this.#version++;
    } else throw new Error(`journal: unknown ChurnCut write ${kind}`);
  }

  exportState(): unknown {
    return {
      drawn: this.#drawn,
      flows: [...this.#flows.values()],
      completed: this.#completed.map((f) => f.id),
    };
  }

  importState(state: unknown): void {
    const s = state as { drawn: number; flows: LiveFlow[]; completed: string[] };
    this.reset();
    while (this.#drawn < s.drawn) this.newFlowId();
    for (const f of s.flows) this.#add({ ...f });
    for (const id of s.completed) {
      const flow = this.#flows.get(id);
      if (flow) this.#applyOutcome(flow, flow.completedAt as number);
    }
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

  /** Every live flow, in the order they were started. */
  liveFlows(): IterableIterator<LiveFlow> {
    return this.#flows.values();
  }

  /** Live flows created in [from, to), oldest first (binary searches, not a pass over all). */
  *liveFlowsCreated(from: number, to: number): Generator<LiveFlow> {
    const list = this.#byCreated;
    const at = (t: number) =>
      partitionPoint(0, list.length, (i) => (list[i] as LiveFlow).created < t);
    for (let i = at(from), end = at(to); i < end; i++) yield list[i] as LiveFlow;
  }

  /** Completed cancellations made through the API, by time. */
  get liveChurns(): readonly ChurnEvent[] {
    return this.#churns;
  }

  /** How many live cancellations happened before `t`. */
  liveChurnsBefore(t: number): number {
    const list = this.#churns;
    return partitionPoint(0, list.length, (i) => (list[i] as ChurnEvent).t < t);
  }

  /** How many flows have been started through the API since the last reset. */
  get liveFlowCount(): number {
    return this.#flows.size;
  }

  /** True when no more flows can be started until a reset (MAX_LIVE_FLOWS). */
  get full(): boolean {
    return this.#flows.size >= MAX_LIVE_FLOWS;
  }

  /** A fresh live flow id (seeded stream: same calls ⇒ same ids after every reset). */
  newFlowId(): string {
    this.#drawn++;
    return `flow_${alphanumeric(this.#rng, 16)}`;
  }

  addFlow(flow: LiveFlow): void {
    if (this.full) throw new Error(`at most ${MAX_LIVE_FLOWS} live flows`);
    this.#add(flow);
    this.#sink?.('flow', flow);
  }

  #add(flow: LiveFlow): void {
    this.#flows.set(flow.id, flow);
    const mine = this.#byCustomer.get(flow.customer);
    if (mine) mine.push(flow);
    else this.#byCustomer.set(flow.customer, [flow]);
    insertSorted(this.#byCreated, flow, (f) => f.created);
    if (flow.status === 'pending') {
      this.#pending.add(flow);
      this.#nextExpiry = Math.min(this.#nextExpiry, flow.expiresAt);
    }
    this.#version++;
  }

  /** Records an outcome's effect on the customer (status, subscription, churn analytics). */
  applyOutcome(flow: LiveFlow, at: number): void {
    this.#applyOutcome(flow, at);
    this.#sink?.('outcome', { id: flow.id, outcome: flow.outcome, offer: flow.offer, at });
  }

  #applyOutcome(flow: LiveFlow, at: number): void {
    this.#completed.push(flow);
    const state = this.#state;
    if (flow.outcome === 'retained' && flow.offer) {
      state.status[flow.customer] = RETAINED;
      state.retainedUntil[flow.customer] = offerInEffectUntil(flow.offer, at);
    }
    if (flow.outcome === 'cancelled') {
      state.status[flow.customer] = CHURNED;
      state.endedAt[flow.customer] = at;
      insertSorted(
        this.#churns,
        { t: at, mrr: monthlyUsdCents(this.customer(flow.customer)) },
        (c) => c.t,
      );
    }
    this.#version++;
  }

  /**
   * Marks pending flows whose expiry has passed as expired; true when any changed. It runs on
   * every flow request, so it looks at the pending flows only once the earliest expiry among
   * them has come (completed flows leave the set then).
   */
  expire(now: number): boolean {
    if (now < this.#nextExpiry) return false;
    const expired: string[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const f of this.#pending) {
      if (f.status === 'pending' && now >= f.expiresAt) {
        f.status = 'expired';
        expired.push(f.id);
      }
      if (f.status === 'pending') next = Math.min(next, f.expiresAt);
      else this.#pending.delete(f);
    }
    this.#nextExpiry = next;
    if (!expired.length) return false;
    this.#version++;
    this.#sink?.('expired', { ids: expired });
    return true;
  }
}
