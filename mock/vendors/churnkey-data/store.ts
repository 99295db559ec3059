import {
  type ChurnkeyDataset,
  compareSessions,
  type DsrCounts,
  type SessionRecord,
} from '../../../generators/churnkey-data.ts';
import {
  buildDsrRecords,
  countsOf,
  type DsrRecords,
  dsrRecordsAt,
} from '../../../generators/churnkey-dsr.ts';
import type { Customer, World } from '../../../generators/world.ts';
import { partitionPoint } from '../../core/search.ts';
import { markBounced, markBouncedOldestFirst } from './bounce.ts';
import { SessionColumns } from './columns.ts';
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
 * Positions of sessions grouped by customer index, newest first within a customer: a counting
 * sort, so `order[start[c] .. start[c + 1])` are customer c's sessions. A Map of 750k arrays
 * took seconds to build at 1M sessions; this takes milliseconds.
 */
function groupByCustomer(
  sessions: readonly SessionRecord[],
  customers: number,
): { order: Uint32Array; start: Uint32Array } {
  const start = new Uint32Array(customers + 1);
  for (const s of sessions) (start[s.customer.index + 1] as number)++;
  for (let c = 0; c < customers; c++)
    start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const next = start.slice(0, customers);
  const order = new Uint32Array(sessions.length);
  sessions.forEach((s, i) => {
    order[(next[s.customer.index] as number)++] = i;
  });
  return { order, start };
}

const NONE: readonly SessionRecord[] = [];

/** Where `s` goes in a newest-first list: after every record that sorts before or with it. */
const insertionPoint = (list: readonly SessionRecord[], s: SessionRecord): number =>
  partitionPoint(0, list.length, (i) => compareSessions(list[i] as SessionRecord, s) <= 0);

/** Every filter field and dimension except the per-session/per-person ones (ids, e-mails). */
const WARM_COLUMNS = [
  ...new Set([...Object.keys(FILTER_FIELDS), ...Object.keys(DIMENSIONS)]),
].filter((n) => !['sessionId', 'customerId', 'customerEmail', 'day'].includes(n));

/**
 * The Churnkey Data API's state: sessions newest first, a per-customer index, the people DSR
 * can find, and who has been erased. Records are immutable; `reset` restores the seeded
 * snapshot by swapping arrays, never by regenerating.
 */
export class ChurnkeyDataStore {
  readonly world: World;
  readonly org: string;
  readonly #seeded: readonly SessionRecord[];
  readonly #seededByCustomer: { order: Uint32Array; start: Uint32Array };
  readonly #dsr: readonly DsrCounts[];
  #byEmail: Map<string, Customer> | null = null;
  #byId: Map<string, Customer> | null = null;
  #sessions: SessionRecord[] = [];
  /** Customers whose sessions differ from the seed (erased: an empty list). */
  #changed = new Map<number, readonly SessionRecord[]>();
  #columns: SessionColumns | null = null;
  #erased = new Set<number>();
  /** Customers known only from hosted-flow sessions (ids the billing data does not have). */
  #extra = new Map<string, Customer>();
  #version = 0;

  constructor(world: World, data: ChurnkeyDataset) {
    this.world = world;
    this.org = data.flows.org;
    this.#seeded = data.sessions;
    this.#dsr = data.dsr;
    const { order, start } = groupByCustomer(data.sessions, world.customers.length);
    this.#seededByCustomer = { order, start };
    for (let c = 0; c < world.customers.length; c++) {
      const from = start[c] as number;
      const count = (start[c + 1] as number) - from;
      // Runs are newest first; the rule reads oldest first.
      if (count)
        markBouncedOldestFirst(
          count,
          (i) => data.sessions[order[from + count - 1 - i] as number] as SessionRecord,
        );
    }
    this.reset();
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    this.#sessions = this.#seeded.slice();
    this.#changed = new Map();
    this.#columns = null;
    this.#erased = new Set();
    this.#extra = new Map();
    this.#version++;
  }

  /** Changes on every write; part of the response-cache key. */
  get version(): number {
    return this.#version;
  }

  /** A columnar view of all sessions for full scans, rebuilt lazily after a write. */
  columns(): SessionColumns {
    this.#columns ??= new SessionColumns(this.#sessions);
    return this.#columns;
  }

  /** Sessions that have happened by `now`, newest first (or one customer's, when given). */
  *sessions(now: number, customerId: string | null = null): Generator<SessionRecord> {
    const list = customerId === null ? this.#sessions : this.#ofCustomer(customerId);
    // Newest first: binary-search the first session at or before `now`.
    const from = partitionPoint(0, list.length, (i) => (list[i] as SessionRecord).createdAt > now);
    for (let i = from; i < list.length; i++) yield list[i] as SessionRecord;
  }

  /** The seeded sessions (what a reset restores) that had happened by `now`, newest first. */
  *seededSessions(now: number): Generator<SessionRecord> {
    const list = this.#seeded;
    const from = partitionPoint(0, list.length, (i) => (list[i] as SessionRecord).createdAt > now);
    for (let i = from; i < list.length; i++) yield list[i] as SessionRecord;
  }

  /** A seeded person's record counts by `now` as a reset restores them (`counts` right after one). */
  seededCounts(c: Customer, now: number): PersonCounts {
    const { order, start } = this.#seededByCustomer;
    let sessions = 0;
    for (let k = start[c.index] ?? 0; k < (start[c.index + 1] ?? 0); k++)
      if ((this.#seeded[order[k] as number] as SessionRecord).createdAt <= now) sessions++;
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
    const counts = this.#dsr[c.index] ?? ZERO_COUNTS;
    return dsrRecordsAt(buildDsrRecords(this.world.seed, c, counts, this.world.asOf), now);
  }

  /** How many of `c`'s records had happened by `now`, without building them when all had. */
  #recordCounts(c: Customer, now: number): DsrCounts {
    const { sessions: _sessions, ...all } = { ...ZERO_COUNTS, ...this.#dsr[c.index] };
    // Nothing is dated after the as-of date (generators/churnkey-dsr.ts): from then on, all.
    return now >= this.world.asOf ? all : countsOf(this.#recordsAt(c, now));
  }

  /** How many sessions have happened by `now`. */
  size(now: number): number {
    return this.#sessions.length - this.columns().firstAtOrBefore(now, true);
  }

  #ofCustomer(customerId: string): readonly SessionRecord[] {
    const c = this.customer(customerId);
    return c ? this.#ofIndex(c.index) : NONE;
  }

  /** The customer with this id: from the billing data, or one a hosted-flow session added. */
  customer(id: string): Customer | null {
    this.#byId ??= new Map(this.world.customers.map((c) => [c.id, c]));
    return this.#byId.get(id) ?? this.#extra.get(id) ?? null;
  }

  /**
   * A customer for a session under `id`: the known one, or (Churnkey docs, Customer Data
   * Endpoint: it may return "your" id for the customer) a new customer with that id and the
   * billing data of `billing`. `subscriptionId` overrides the subscription's id.
   */
  customerFor(id: string, billing: Customer, subscriptionId?: string): Customer {
    let c = this.customer(id);
    if (!c) {
      const slug =
        id
          .toLowerCase()
          .replace(/[^a-z0-9._-]/g, '-')
          .slice(0, 64) || 'customer';
      c = {
        ...billing,
        index: this.world.customers.length + this.#extra.size,
        id,
        email: `${slug}@customers.churnmock.test`,
        name: id,
      };
      this.#extra.set(id, c);
    }
    if (subscriptionId === undefined || subscriptionId === c.subscription.id) return c;
    return { ...c, subscription: { ...c.subscription, id: subscriptionId } };
  }

  /**
   * Records a new session (the hosted-flow simulator): it joins the lists newest first and the
   * bounce rule is re-applied to its customer's sessions. Records stay immutable: a session
   * whose \`bounced\` flag changes is replaced by a copy, so \`reset\` still restores the seed.
   */
  add(record: SessionRecord): void {
    const index = record.customer.index;
    const previous = this.#ofIndex(index);
    const copies = [record, ...previous].map((s) => ({ ...s }));
    markBounced(copies);
    const replaced = new Map<SessionRecord, SessionRecord>();
    const mine = [record, ...previous].map((s, i) => {
      const copy = copies[i] as SessionRecord;
      if (s === record) return Object.assign(record, { bounced: copy.bounced });
      if (copy.bounced === s.bounced) return s;
      replaced.set(s, copy);
      return copy;
    });
    mine.sort(compareSessions);
    if (replaced.size) this.#sessions = this.#sessions.map((s) => replaced.get(s) ?? s);
    this.#sessions.splice(insertionPoint(this.#sessions, record), 0, record);
    this.#changed.set(index, mine);
    this.#erased.delete(index);
    this.#columns = null;
    this.#version++;
  }

  #ofIndex(index: number): readonly SessionRecord[] {
    const changed = this.#changed.get(index);
    if (changed) return changed;
    const { order, start } = this.#seededByCustomer;
    const from = start[index] ?? 0;
    const to = start[index + 1] ?? from;
    return Array.from(order.subarray(from, to), (i) => this.#seeded[i] as SessionRecord);
  }

  /** Builds the lookup tables the first request needs, so it does not pay for them. */
  warm(): void {
    this.#byId ??= new Map(this.world.customers.map((c) => [c.id, c]));
    this.#byEmail ??= new Map(this.world.customers.map((c) => [c.email.toLowerCase(), c]));
    this.columns().build(WARM_COLUMNS);
  }

  /** The person with this e-mail (case-insensitive), unless unknown or erased. */
  person(email: string): Customer | null {
    this.#byEmail ??= new Map(this.world.customers.map((c) => [c.email.toLowerCase(), c]));
    const lower = email.toLowerCase();
    const c =
      this.#byEmail.get(lower) ??
      [...this.#extra.values()].find((x) => x.email.toLowerCase() === lower);
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
    const gone = new Set(this.#ofIndex(c.index));
    if (gone.size) {
      this.#sessions = this.#sessions.filter((s) => !gone.has(s));
      this.#columns = null;
    }
    this.#changed.set(c.index, NONE);
    this.#erased.add(c.index);
    this.#version++;
    return removed;
  }
}
