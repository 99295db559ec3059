import type { ChurnkeyDataset, DsrCounts, SessionRecord } from '../../generators/churnkey-data.ts';
import type { Customer, World } from '../../generators/world.ts';
import { markBounced } from './bounce.ts';

/** Per-record-kind counts, as the DSR endpoints report them. */
export type PersonCounts = DsrCounts & { sessions: number };

const ZERO: PersonCounts = {
  events: 0,
  sessions: 0,
  campaigns: 0,
  invoices: 0,
  failedPayments: 0,
  subscriptions: 0,
  charges: 0,
  emails: 0,
};

function groupByCustomer(sessions: readonly SessionRecord[]): Map<string, SessionRecord[]> {
  const by = new Map<string, SessionRecord[]>();
  for (const s of sessions) {
    const list = by.get(s.customer.id);
    if (list) list.push(s);
    else by.set(s.customer.id, [s]);
  }
  return by;
}

/**
 * The Churnkey Data API's state: sessions newest first, a per-customer index, the people DSR
 * can find, and who has been erased. Records are immutable; `reset` restores the seeded
 * snapshot by swapping arrays, never by regenerating.
 */
export class ChurnkeyDataStore {
  readonly world: World;
  readonly org: string;
  readonly #seeded: readonly SessionRecord[];
  readonly #dsr: readonly DsrCounts[];
  readonly #byEmail = new Map<string, Customer>();
  #sessions: SessionRecord[] = [];
  #byCustomer = new Map<string, SessionRecord[]>();
  #erased = new Set<number>();
  #version = 0;

  constructor(world: World, data: ChurnkeyDataset) {
    this.world = world;
    this.org = data.flows.org;
    this.#seeded = data.sessions;
    this.#dsr = data.dsr;
    for (const c of world.customers) this.#byEmail.set(c.email.toLowerCase(), c);
    for (const list of groupByCustomer(data.sessions).values()) markBounced(list);
    this.reset();
  }

  /** Restores the seeded snapshot. */
  reset(): void {
    this.#sessions = this.#seeded.slice();
    this.#byCustomer = groupByCustomer(this.#sessions);
    this.#erased = new Set();
    this.#version++;
  }

  /** Changes on every write; part of the response-cache key. */
  get version(): number {
    return this.#version;
  }

  /** Sessions that have happened by `now`, newest first (or one customer's, when given). */
  *sessions(now: number, customerId: string | null = null): Generator<SessionRecord> {
    const list = customerId === null ? this.#sessions : (this.#byCustomer.get(customerId) ?? []);
    // Newest first: binary-search the first session at or before `now`.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as SessionRecord).createdAt > now) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) yield list[i] as SessionRecord;
  }

  /** The person with this e-mail (case-insensitive), unless unknown or erased. */
  person(email: string): Customer | null {
    const c = this.#byEmail.get(email.toLowerCase());
    return c && !this.#erased.has(c.index) ? c : null;
  }

  /** How many records of each kind a person has by `now` (all zero once erased). */
  counts(c: Customer | null, now: number): PersonCounts {
    if (!c || this.#erased.has(c.index)) return { ...ZERO };
    let sessions = 0;
    for (const _ of this.sessions(now, c.id)) sessions++;
    return { ...(this.#dsr[c.index] ?? ZERO), sessions };
  }

  /** Removes every record of a person; returns what was removed. */
  erase(c: Customer, now: number): PersonCounts {
    const removed = this.counts(c, now);
    const gone = new Set(this.#byCustomer.get(c.id) ?? []);
    if (gone.size) this.#sessions = this.#sessions.filter((s) => !gone.has(s));
    this.#byCustomer.delete(c.id);
    this.#erased.add(c.index);
    this.#version++;
    return removed;
  }
}
