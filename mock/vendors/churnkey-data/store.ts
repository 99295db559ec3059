import { LRUCache } from 'lru-cache';
import {
  type ChurnkeyDataset,
  compareSessions,
  type DsrCounts,
  type DsrTable,
  type SessionRecord,
} from '../../../generators/churnkey-data.ts';
import {
  buildDsrRecords,
  countsOf,
  type DsrRecords,
  dsrRecordsAt,
} from '../../../generators/churnkey-dsr.ts';
import type { Blueprint, OfferDef } from '../../../generators/churnkey-flows.ts';
import type { SessionTable } from '../../../generators/churnkey-sessions.ts';
import { groupByKey } from '../../../generators/typed-arrays.ts';
import type { Customer, World } from '../../../generators/world.ts';
import type { PersistentPart, WriteSink } from '../../core/persist/part.ts';
import { partitionPoint } from '../../core/search.ts';
import { customerEmails, customerIds } from '../../core/string-index.ts';
import { markBounced } from './bounce.ts';
import { BOUNCED, ERASED, SessionColumns, type SessionView, SHOWN } from './columns.ts';
import { DIMENSIONS, FILTER_FIELDS } from './fields.ts';

/** Per-record-kind counts, as the DSR endpoints report them. */
export type PersonCounts = DsrCounts & { sessions: number };

/** A person with no records of any kind (an unknown e-mail, or one erased). */
export const ZERO_COUNTS: Readonly<PersonCounts> = {
  events: 0,
  sessions: 0,
  campaigns: 0,
  invoices: 0,
  failedPayments: 0,
  subscriptions: 0,
  charges: 0,
  emails: 0,
};

/**
 * Seeded sessions built as records and kept for reuse, at most: a page's records stay the
 * same objects while they are read again (their JSON is cached by record), without holding a
 * million records on the heap.
 */
const SEEDED_RECORDS = 100_000;

const NONE: readonly SessionRecord[] = [];

/** A newest-first list's sessions at or before `now` (binary search for the first). */
function* newestFirstBy(list: readonly SessionRecord[], now: number): Generator<SessionRecord> {
  const from = partitionPoint(0, list.length, (i) => (list[i] as SessionRecord).createdAt > now);
  for (let i = from; i < list.length; i++) yield list[i] as SessionRecord;
}

/** A session as the journal stores it: its customer by id, its blueprint's Map as entries. */
type StoredSession = Omit<SessionRecord, 'customer' | 'blueprint'> & {
  readonly customer: { readonly id: string; readonly subscriptionId: string };
  readonly blueprint: Omit<Blueprint, 'surveyOffers'> & {
    readonly surveyOffers: [string, OfferDef][];
  };
};

const toStored = (s: SessionRecord): StoredSession => ({
  ...s,
  customer: { id: s.customer.id, subscriptionId: s.customer.subscription.id },
  blueprint: { ...s.blueprint, surveyOffers: [...s.blueprint.surveyOffers] },
});

/**
 * At most this many sessions are recorded (by the hosted flow) between resets: they are held
 * in memory beside the seeded ones and merged into every scan, so they are bounded by design.
 * The next one is refused (the hosted page answers 507) until `POST /__admin/reset`.
 */
export const MAX_RECORDED_SESSIONS = 100_000;

/** Every filter field and dimension except the per-session/per-person ones (ids, e-mails). */
const WARM_COLUMNS = [
  ...new Set([...Object.keys(FILTER_FIELDS), ...Object.keys(DIMENSIONS)]),
].filter((n) => !['sessionId', 'customerId', 'customerEmail', 'day'].includes(n));

/**
 * The Churnkey Data API's state: the seeded sessions newest first as fixed columns, what writes
 * did to them (a state per row: shown, bounced, erased; copies of rows whose `bounced` changed),
 * the sessions recorded since (a short newest-first list that scans merge in), a per-customer
 * index, the people DSR can find, and who has been erased. A write costs the customer's own
 * sessions plus a binary search, never a pass over all sessions, and the columns are never
 * rebuilt. `reset` restores the seeded snapshot without regenerating.
 */
export class ChurnkeyDataStore implements PersistentPart {
  readonly world: World;
  readonly org: string;
  readonly #seeded: SessionTable;
  /** Seeded rows' records once built: all of them when they fit, else the recently read. */
  readonly #records: (SessionRecord | undefined)[] | LRUCache<number, SessionRecord>;
  readonly #seededByCustomer: { order: Uint32Array; start: Uint32Array };
  readonly #dsr: DsrTable;
  #base: SessionColumns | null = null;
  /** Per seeded row as seeded (SHOWN or BOUNCED), and as the writes left it. */
  #seededState: Uint8Array | null = null;
  #state: Uint8Array | null = null;
  /** Seeded rows whose state a write set (it may differ from the seeded one). */
  #touched = new Set<number>();
  /** Seeded rows replaced by a copy whose `bounced` differs. */
  #replaced = new Map<number, SessionRecord>();
  /** Sessions recorded since the seed, oldest first (the newest is appended: no shifting). */
  #added: SessionRecord[] = [];
  /** Customers whose sessions differ from the seed (erased: an empty list). */
  #changed = new Map<number, readonly SessionRecord[]>();
  #erased = new Set<number>();
  /** Customers whose seeded rows are ERASED (still so if they recorded a session since). */
  #wiped = new Set<number>();
  /** Customers known only from hosted-flow sessions (ids the billing data does not have). */
  #extra = new Map<string, Customer>();
  #extraByEmail = new Map<string, Customer>();
  /** The billing customer each hosted-flow-only customer was made from, in order. */
  #extraBilling: { id: string; billing: string }[] = [];
  #sink: WriteSink | null = null;
  #version = 0;

  /** `recordCache`: seeded records kept at most (all of them when they fit). */
  constructor(world: World, data: ChurnkeyDataset, recordCache = SEEDED_RECORDS) {
    this.world = world;
    this.org = data.flows.org;
    this.#seeded = data.sessions;
    this.#dsr = data.dsr;
    this.#seededByCustomer = groupByKey(data.sessions.customerIndex, world.customers.length);
    // A plain array (no eviction bookkeeping per read) when every seeded record fits.
    this.#records =
      data.sessions.length <= recordCache
        ? new Array<SessionRecord | undefined>(data.sessions.length)
        : new LRUCache<number, SessionRecord>({ max: recordCache });
    this.reset();
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    if (this.#state && this.#seededState) this.#state.set(this.#seededState);
    this.#touched = new Set();
    this.#replaced = new Map();
    this.#added = [];
    this.#changed = new Map();
    this.#erased = new Set();
    this.#wiped = new Set();
    this.#extra = new Map();
    this.#extraByEmail = new Map();
    this.#extraBilling = [];
    this.#version++;
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a write `persistTo` sent: `customer` (a hosted-flow-only one), `session`, `erase`. */
  apply(kind: string, data: unknown): void {
    if (kind === 'customer') {
      const d = data as { id: string; billing: string };
      const billing = this.customer(d.billing);
      if (!billing) throw new Error(`journal: unknown billing customer ${d.billing}`);
      this.#newCustomer(d.id, billing);
    } else if (kind === 'session') this.#record(this.#fromJson(data as StoredSession));
    else if (kind === 'erase') {
      const c = this.customer((data as { id: string }).id);
      if (!c) throw new Error(`journal: erase of unknown customer ${(data as { id: string }).id}`);
      this.#erase(c);
    } else throw new Error(`journal: unknown Churnkey Data write ${kind}`);
  }

  exportState(): unknown {
    const idOf = (index: number) => this.#byIndex(index)?.id;
    return {
      extras: this.#extraBilling,
      // Sets: sorted, so the same state exports the same JSON however it was reached.
      wiped: [...this.#wiped].sort((a, b) => a - b).map(idOf),
      erased: [...this.#erased].sort((a, b) => a - b).map(idOf),
      sessions: this.#added.map(toStored),
    };
  }

  importState(state: unknown): void {
    const s = state as {
      extras: { id: string; billing: string }[];
      wiped: string[];
      erased: string[];
      sessions: StoredSession[];
    };
    this.reset();
    for (const e of s.extras) this.apply('customer', e);
    for (const id of s.wiped) this.apply('erase', { id });
    for (const r of s.sessions) this.#record(this.#fromJson(r));
    for (const id of s.erased) {
      const c = this.customer(id);
      if (c) this.#erased.add(c.index);
    }
  }

  /** A customer by index: the billing data's, or a hosted-flow-only one. */
  #byIndex(index: number): Customer | undefined {
    const n = this.world.customers.length;
    if (index < n) return this.world.customers[index];
    const e = this.#extraBilling[index - n];
    return e ? (this.#extra.get(e.id) ?? undefined) : undefined;
  }

  /** A stored session back as a record: its customer found again, its blueprint's Map rebuilt. */
  #fromJson(j: StoredSession): SessionRecord {
    const known = this.customer(j.customer.id);
    if (!known) throw new Error(`journal: session ${j.id} of unknown customer ${j.customer.id}`);
    const customer =
      known.subscription.id === j.customer.subscriptionId
        ? known
        : { ...known, subscription: { ...known.subscription, id: j.customer.subscriptionId } };
    return {
      ...j,
      customer,
      blueprint: { ...j.blueprint, surveyOffers: new Map(j.blueprint.surveyOffers) },
    } as SessionRecord;
  }

  /** Changes on every write; part of the response-cache key. */
  get version(): number {
    return this.#version;
  }

  /** The seeded columns, built once (their fields on first use). */
  #columns(): SessionColumns {
    this.#base ??= new SessionColumns(this.#seeded);
    return this.#base;
  }

  /** Seeded row i as seeded (the same object while it is in the record cache). */
  #seededRecord(i: number): SessionRecord {
    const records = this.#records;
    if (Array.isArray(records)) {
      let s = records[i];
      if (s === undefined) {
        s = this.#seeded.at(i);
        records[i] = s;
      }
      return s;
    }
    let s = records.get(i);
    if (s === undefined) {
      s = this.#seeded.at(i);
      records.set(i, s);
    }
    return s;
  }

  #rowState(): Uint8Array {
    if (!this.#state) {
      const seeded = this.#seeded;
      const state = new Uint8Array(seeded.length);
      for (let i = 0; i < state.length; i++) state[i] = seeded.bounced(i) ? BOUNCED : SHOWN;
      this.#seededState = state;
      this.#state = state.slice();
    }
    return this.#state;
  }

  /** Every session as the column scans read it (scan.ts). */
  view(): SessionView {
    const replaced = this.#replaced;
    const state = this.#rowState();
    return {
      base: this.#columns(),
      state,
      seededState: this.#seededState as Uint8Array,
      touched: this.#touched,
      record: (i) => (replaced.size ? replaced.get(i) : undefined) ?? this.#seededRecord(i),
      added: this.#added,
    };
  }

  /**
   * The sessions by `now` of the customer a filter names by `customerId`, else of those it
   * names by `customerEmail` (case-insensitive), newest first: a superset of what the filter
   * keeps, found through the per-customer index instead of a scan (an e-mail column over a
   * million sessions took most of a second to build).
   */
  *sessionsOf(
    now: number,
    filter: { readonly customerId: string | null; readonly customerEmail: string | null },
  ): Generator<SessionRecord> {
    if (filter.customerId !== null) return yield* this.sessions(now, filter.customerId);
    if (filter.customerEmail === null) return yield* this.sessions(now);
    const lists = this.#withEmail(filter.customerEmail).map((c) => this.#ofIndex(c.index));
    const list = lists.length === 1 ? (lists[0] as readonly SessionRecord[]) : lists.flat();
    if (lists.length > 1) (list as SessionRecord[]).sort(compareSessions);
    yield* newestFirstBy(list, now);
  }

  /** Customers with this e-mail (case-insensitive): the seeded one and hosted-flow ones. */
  #withEmail(email: string): Customer[] {
    const lower = email.toLowerCase();
    const seeded = this.#byLowerEmail(lower);
    const out = seeded ? [seeded] : [];
    for (const c of this.#extra.values())
      if (c !== seeded && c.email.toLowerCase() === lower) out.push(c);
    return out;
  }

  /** Sessions that have happened by `now`, newest first (or one customer's, when given). */
  *sessions(now: number, customerId: string | null = null): Generator<SessionRecord> {
    if (customerId !== null) return yield* newestFirstBy(this.#ofCustomer(customerId), now);
    const { base, state, record, added } = this.view();
    // `added` runs oldest first: walk it backwards from the last session by `now`.
    let d = partitionPoint(0, added.length, (i) => (added[i] as SessionRecord).createdAt <= now);
    for (let i = base.firstAtOrBefore(now, true); i < base.length; i++) {
      if (state[i] === ERASED) continue;
      const s = record(i);
      while (d > 0 && compareSessions(added[d - 1] as SessionRecord, s) < 0)
        yield added[--d] as SessionRecord;
      yield s;
    }
    while (d > 0) yield added[--d] as SessionRecord;
  }

  /** The seeded sessions (what a reset restores) that had happened by `now`, newest first. */
  *seededSessions(now: number): Generator<SessionRecord> {
    const base = this.#columns();
    for (let i = base.firstAtOrBefore(now, true); i < base.length; i++) yield this.#seededRecord(i);
  }

  /** A seeded person's record counts by `now` as a reset restores them (`counts` right after one). */
  seededCounts(c: Customer, now: number): PersonCounts {
    const { order, start } = this.#seededByCustomer;
    const createdAt = this.#seeded.createdAt;
    let sessions = 0;
    for (let k = start[c.index] ?? 0; k < (start[c.index + 1] ?? 0); k++)
      if ((createdAt[order[k] as number] as number) <= now) sessions++;
    return { ...this.#recordCounts(c, now), sessions };
  }

  /**
   * A person's records other than sessions that had happened by `now` (Data API docs, GDPR User
   * Data Access), built on demand; null for nobody or someone erased.
   */
  records(c: Customer | null, now: number): DsrRecords | null {
    if (!c || this.#erased.has(c.index)) return null;
    return this.#recordsAt(c, now);
  }

  #recordsAt(c: Customer, now: number): DsrRecords {
    const counts = this.#dsr.at(c.index) ?? ZERO_COUNTS;
    return dsrRecordsAt(buildDsrRecords(this.world.seed, c, counts, this.world.asOf), now);
  }

  /** How many of `c`'s records had happened by `now`, without building them when all had. */
  #recordCounts(c: Customer, now: number): DsrCounts {
    const { sessions: _sessions, ...all } = { ...ZERO_COUNTS, ...this.#dsr.at(c.index) };
    // Nothing is dated after the as-of date (generators/churnkey-dsr.ts): from then on, all.
    return now >= this.world.asOf ? all : countsOf(this.#recordsAt(c, now));
  }

  /** How many sessions have happened by `now`. */
  size(now: number): number {
    const base = this.#columns();
    let n = base.length - base.firstAtOrBefore(now, true);
    const { order, start } = this.#seededByCustomer;
    for (const c of this.#wiped)
      for (let k = start[c] ?? 0; k < (start[c + 1] ?? 0); k++)
        if ((base.createdAt[order[k] as number] as number) <= now) n--;
    const added = this.#added;
    return n + partitionPoint(0, added.length, (i) => (added[i] as SessionRecord).createdAt <= now);
  }

  /** How many sessions were recorded since the seed (at most MAX_RECORDED_SESSIONS). */
  get recorded(): number {
    return this.#added.length;
  }

  /** True when no more sessions can be recorded until a reset. */
  get full(): boolean {
    return this.#added.length >= MAX_RECORDED_SESSIONS;
  }

  #ofCustomer(customerId: string): readonly SessionRecord[] {
    const c = this.customer(customerId);
    return c ? this.#ofIndex(c.index) : NONE;
  }

  /** The customer with this id: from the billing data, or one a hosted-flow session added. */
  customer(id: string): Customer | null {
    const customers = this.world.customers;
    return customers[customerIds(customers).get(id)] ?? this.#extra.get(id) ?? null;
  }

  /** The seeded customer with this lower-cased e-mail. */
  #byLowerEmail(lower: string): Customer | undefined {
    const customers = this.world.customers;
    return customers[customerEmails(customers).get(lower)];
  }

  /**
   * A customer for a session under `id`: the known one, or (Churnkey docs, Customer Data
   * Endpoint: it may return "your" id for the customer) a new customer with that id and the
   * billing data of `billing`. `subscriptionId` overrides the subscription's id.
   */
  customerFor(id: string, billing: Customer, subscriptionId?: string): Customer {
    let c = this.customer(id);
    if (!c) {
      c = this.#newCustomer(id, billing);
      this.#sink?.('customer', { id, billing: billing.id });
    }
    if (subscriptionId === undefined || subscriptionId === c.subscription.id) return c;
    return { ...c, subscription: { ...c.subscription, id: subscriptionId } };
  }

  /** A hosted-flow-only customer under `id` with the billing data of `billing`. */
  #newCustomer(id: string, billing: Customer): Customer {
    const slug =
      id
        .toLowerCase()
        .replace(/[^a-z0-9._-]/g, '-')
        .slice(0, 64) || 'customer';
    const c: Customer = {
      ...billing,
      index: this.world.customers.length + this.#extra.size,
      id,
      email: `${slug}@customers.churnmock.test`,
      name: id,
    };
    this.#extra.set(id, c);
    this.#extraBilling.push({ id, billing: billing.id });
    if (!this.#extraByEmail.has(c.email)) this.#extraByEmail.set(c.email, c);
    return c;
  }

  /**
   * Records a new session (the hosted-flow simulator): it joins the recorded list newest first
   * and the bounce rule is re-applied to its customer's sessions. Records stay immutable: a
   * session whose `bounced` flag changes is replaced by a copy (a seeded row's state changes
   * with it), so `reset` still restores the seed. Throws once MAX_RECORDED_SESSIONS are held;
   * callers check `full` first.
   */
  add(record: SessionRecord): void {
    if (this.full) throw new Error(`at most ${MAX_RECORDED_SESSIONS} recorded sessions`);
    this.#record(record);
    this.#sink?.('session', toStored(record));
  }

  #record(record: SessionRecord): void {
    const index = record.customer.index;
    const previous = this.#ofIndex(index);
    const copies = [record, ...previous].map((s) => ({ ...s }));
    markBounced(copies);
    const mine = [record, ...previous].map((s, i) => {
      const copy = copies[i] as SessionRecord;
      if (s === record) return Object.assign(record, { bounced: copy.bounced });
      if (copy.bounced === s.bounced) return s;
      this.#swap(index, s, copy);
      return copy;
    });
    mine.sort(compareSessions);
    const added = this.#added;
    const at = partitionPoint(
      0,
      added.length,
      (i) => compareSessions(added[i] as SessionRecord, record) > 0,
    );
    if (at === added.length) added.push(record);
    else added.splice(at, 0, record);
    this.#changed.set(index, mine);
    this.#erased.delete(index);
    this.#version++;
  }

  /** Puts `copy` where `old` is: a seeded row of customer `index`, or a recorded session. */
  #swap(index: number, old: SessionRecord, copy: SessionRecord): void {
    const { order, start } = this.#seededByCustomer;
    const view = this.view();
    for (let k = start[index] ?? 0; k < (start[index + 1] ?? 0); k++) {
      const i = order[k] as number;
      // The same session: its id (a record may have been rebuilt since it was read).
      if (view.record(i).id !== old.id) continue;
      this.#replaced.set(i, copy);
      view.state[i] = copy.bounced ? BOUNCED : SHOWN;
      this.#touched.add(i);
      return;
    }
    const added = this.#added;
    const at = partitionPoint(
      0,
      added.length,
      (i) => compareSessions(added[i] as SessionRecord, old) > 0,
    );
    if (added[at] === old) added[at] = copy;
  }

  #ofIndex(index: number): readonly SessionRecord[] {
    const changed = this.#changed.get(index);
    if (changed) return changed;
    const { order, start } = this.#seededByCustomer;
    const from = start[index] ?? 0;
    const to = start[index + 1] ?? from;
    return Array.from(order.subarray(from, to), (i) => this.#seededRecord(i));
  }

  /** Builds the lookup tables the first request needs, so it does not pay for them. */
  warm(): void {
    customerIds(this.world.customers);
    customerEmails(this.world.customers);
    this.#columns().build(WARM_COLUMNS);
    this.#rowState();
  }

  /** The person with this e-mail (case-insensitive), unless unknown or erased. */
  person(email: string): Customer | null {
    const lower = email.toLowerCase();
    // Hosted-flow customers' e-mails are made lower case (customerFor).
    const c = this.#byLowerEmail(lower) ?? this.#extraByEmail.get(lower);
    return c && !this.#erased.has(c.index) ? c : null;
  }

  /**
   * How many records of each kind a person has by `now` (all zero once erased): the lengths of
   * `records(c, now)` and of their sessions by `now`.
   */
  counts(c: Customer | null, now: number): PersonCounts {
    if (!c || this.#erased.has(c.index)) return { ...ZERO_COUNTS };
    let sessions = 0;
    for (const _ of this.sessions(now, c.id)) sessions++;
    return { ...this.#recordCounts(c, now), sessions };
  }

  /** Removes every record of a person; returns what was removed. */
  erase(c: Customer, now: number): PersonCounts {
    const removed = this.counts(c, now);
    this.#erase(c);
    this.#sink?.('erase', { id: c.id });
    return removed;
  }

  #erase(c: Customer): void {
    const { order, start } = this.#seededByCustomer;
    const state = this.#rowState();
    for (let k = start[c.index] ?? 0; k < (start[c.index + 1] ?? 0); k++) {
      state[order[k] as number] = ERASED;
      this.#touched.add(order[k] as number);
    }
    if (this.#added.some((s) => s.customer.index === c.index))
      this.#added = this.#added.filter((s) => s.customer.index !== c.index);
    this.#changed.set(c.index, NONE);
    this.#erased.add(c.index);
    this.#wiped.add(c.index);
    this.#version++;
  }
}
