import type { Blueprint, OfferDef, SurveyChoice } from './churnkey-flows.ts';
import { DAY } from './time.ts';
import {
  gatherRows,
  groupByKey,
  grown,
  orderByValue,
  sortTies,
  type WholeColumn,
} from './typed-arrays.ts';
import type { Customer } from './world.ts';

/** An accepted offer exactly as the session JSON shows it (shared, never mutated). */
export type AcceptedOffer = Readonly<Record<string, string | number | null>>;

/** One offer shown during a session. `answeredAt` is null when the customer left first. */
export interface PresentedStep {
  readonly offer: OfferDef;
  readonly presentedAt: number;
  readonly answeredAt: number | null;
  readonly accepted: boolean;
}

/** A recorded cancel-flow session in compact form; the mock materialises the JSON on demand. */
export interface SessionRecord {
  readonly id: string;
  readonly customer: Customer;
  readonly blueprint: Blueprint;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly recordingStart: number;
  readonly recordingEnd: number;
  readonly trial: boolean;
  readonly aborted: boolean;
  readonly canceled: boolean;
  readonly mode: 'LIVE' | 'TEST';
  readonly choice: SurveyChoice | null;
  readonly feedback: string | null;
  readonly presented: readonly PresentedStep[];
  readonly accepted: AcceptedOffer | null;
  readonly discountCooldownApplied: boolean;
  /** Derived from the customer's other sessions (see mock/vendors/churnkey-data/bounce.ts). */
  bounced: boolean;
}

/** The fields of a session that filters and breakdowns read (mock/vendors/churnkey-data/fields.ts). */
export type ThinSessionRecord = Pick<
  SessionRecord,
  'id' | 'customer' | 'blueprint' | 'createdAt' | 'trial' | 'aborted' | 'canceled' | 'bounced'
> & {
  readonly choice: SurveyChoice | null;
  readonly accepted: AcceptedOffer | null;
};

/** Bits of `SessionTable.flags`. */
const TRIAL = 1;
const ABORTED = 2;
const CANCELED = 4;
const TEST_MODE = 8;
const COOLDOWN = 16;
const BOUNCED = 32;
const STEP0_ACCEPTED = 64;
const STEP1_ACCEPTED = 128;

/** `answeredAt` of a step the customer left before answering. */
const UNANSWERED = 0xffffffff;
/** A seeded session shows at most this many offers (generators/churnkey-data.ts). */
const MAX_STEPS = 2;
/** The widest row of a session column in bytes: an id's 12 (createdAt 8, offer times 4 × MAX_STEPS). */
const ROW_BYTES_MAX = Math.max(12, 8, 4 * MAX_STEPS);

/** Values by first appearance, each with its number (identity for objects). */
class Dict<T> {
  readonly values: T[] = [];
  readonly #codes = new Map<T, number>();
  code(v: T): number {
    let c = this.#codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.#codes.set(v, c);
    }
    return c;
  }
}

/** Each lower-case hex digit's value by character code (16: not one). */
const HEX_VALUE = Uint8Array.from({ length: 128 }, (_, c) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : 16,
);

/** A non-negative whole number of milliseconds that fits 32 bits, or a generator bug. */
function delta(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= UNANSWERED) throw new Error(`session ${what}: ${v}`);
  return v;
}

/** A code per session and how many codes there are (see `SessionTable.keys`). */
export interface Key {
  readonly codes: ArrayLike<number>;
  readonly size: number;
}

/** The dictionaries a table's codes point into (shared by every table of one dataset). */
export interface Dicts {
  readonly blueprints: readonly Blueprint[];
  readonly offers: readonly OfferDef[];
  readonly accepted: readonly AcceptedOffer[];
  readonly choices: readonly SurveyChoice[];
  readonly feedback: readonly string[];
}

/** The columns of a table, each one value per row (ids: 12 bytes per row). */
export interface Columns {
  readonly createdAt: Float64Array;
  readonly updated: Uint32Array;
  readonly recordingStart: Uint32Array;
  readonly recordingEnd: Uint32Array;
  readonly customer: Uint32Array;
  readonly blueprint: Uint16Array;
  readonly flags: Uint8Array;
  readonly choice: Uint8Array;
  readonly feedback: Uint16Array;
  readonly accepted: Uint16Array;
  readonly steps: Uint8Array;
  readonly offer: Uint16Array;
  readonly presentedAt: Uint32Array;
  readonly answeredAt: Uint32Array;
  readonly ids: Uint8Array;
}

/**
 * The seeded sessions as columns, newest first (createdAt desc, then id desc): about 70 bytes
 * a session in typed arrays instead of ~600 bytes of objects on the heap, so a million of
 * them cost the garbage collector nothing to keep. `at(i)` builds session i as the record the
 * mock materialises; `cursor()` reads rows through one reusable record for passes over all.
 */
export class SessionTable implements Iterable<SessionRecord> {
  readonly length: number;
  readonly #c: Columns;
  readonly #d: Dicts;
  readonly #customers: readonly Customer[];
  #plans: Key | null = null;

  constructor(length: number, columns: Columns, dicts: Dicts, customers: readonly Customer[]) {
    this.length = length;
    this.#c = columns;
    this.#d = dicts;
    this.#customers = customers;
  }

  /** The customers the sessions' customer indices point into. */
  get customers(): readonly Customer[] {
    return this.#customers;
  }

  /** The same sessions with their customers read from `customers` (same indices). */
  withCustomers(customers: readonly Customer[]): SessionTable {
    return new SessionTable(this.length, this.#c, this.#d, customers);
  }

  /** Creation times, newest first (the column scans search). */
  get createdAt(): Float64Array {
    return this.#c.createdAt;
  }

  /** Each session's customer index. */
  get customerIndex(): Uint32Array {
    return this.#c.customer;
  }

  /** Whether session i was seeded as bounced. */
  bounced(i: number): boolean {
    return this.flag(i, BOUNCED);
  }

  /** Whether flag bit `bit` (TRIAL, ABORTED, CANCELED, BOUNCED…) is set on session i. */
  flag(i: number, bit: number): boolean {
    return ((this.#c.flags[i] as number) & bit) !== 0;
  }

  blueprint(i: number): Blueprint {
    return this.#d.blueprints[this.#c.blueprint[i] as number] as Blueprint;
  }

  /** Session i's survey answer (code 0: none). */
  choice(i: number): SurveyChoice | null {
    const c = this.#c.choice[i] as number;
    return c === 0 ? null : (this.#d.choices[c - 1] as SurveyChoice);
  }

  /** The offer session i accepted (code 0: none). */
  accepted(i: number): AcceptedOffer | null {
    const a = this.#c.accepted[i] as number;
    return a === 0 ? null : (this.#d.accepted[a - 1] as AcceptedOffer);
  }

  /** Session i's id (24 hex digits). */
  id(i: number): string {
    const ids = this.#c.ids;
    return Buffer.from(ids.buffer, ids.byteOffset + 12 * i, 12).toString('hex');
  }

  customer(i: number): Customer {
    return this.#customers[this.#c.customer[i] as number] as Customer;
  }

  /** Session i as a record (a new object each call). */
  at(i: number): SessionRecord {
    const c = this.#c;
    const d = this.#d;
    const createdAt = c.createdAt[i] as number;
    const recordingStart = createdAt - (c.recordingStart[i] as number);
    const flags = c.flags[i] as number;
    const presented: PresentedStep[] = [];
    for (let k = 0; k < (c.steps[i] as number); k++) {
      const j = MAX_STEPS * i + k;
      const presentedAt = recordingStart + (c.presentedAt[j] as number);
      const answered = c.answeredAt[j] as number;
      presented.push({
        offer: d.offers[c.offer[j] as number] as OfferDef,
        presentedAt,
        answeredAt: answered === UNANSWERED ? null : presentedAt + answered,
        accepted: (flags & (k === 0 ? STEP0_ACCEPTED : STEP1_ACCEPTED)) !== 0,
      });
    }
    const feedback = c.feedback[i] as number;
    return {
      id: this.id(i),
      customer: this.customer(i),
      blueprint: this.blueprint(i),
      createdAt,
      updatedAt: createdAt + (c.updated[i] as number),
      recordingStart,
      recordingEnd: createdAt - (c.recordingEnd[i] as number),
      trial: (flags & TRIAL) !== 0,
      aborted: (flags & ABORTED) !== 0,
      canceled: (flags & CANCELED) !== 0,
      mode: flags & TEST_MODE ? 'TEST' : 'LIVE',
      choice: this.choice(i),
      feedback: feedback === 0 ? null : (d.feedback[feedback - 1] as string),
      presented,
      accepted: this.accepted(i),
      discountCooldownApplied: (flags & COOLDOWN) !== 0,
      bounced: (flags & BOUNCED) !== 0,
    };
  }

  /**
   * One record whose fields read row `cursor.row` (set it, then read): a pass over every row
   * through field accessors without building a record per row. Its `presented` steps are not
   * read this way (use `at`).
   */
  cursor(): SessionCursor {
    return new SessionCursor(this);
  }

  /** Every session as a record, newest first (a million of them take a while: tests, exports). */
  *[Symbol.iterator](): Iterator<SessionRecord> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Every session as records in an array (tests and small data). */
  toArray(): SessionRecord[] {
    return Array.from(this);
  }

  /**
   * The codes a session's fields are drawn from, each with how many values it has: flags
   * (trial, aborted, canceled, mode, bounced…), the accepted offer, the blueprint, the survey
   * answer, and the customer. Sessions equal in these are equal in every field read from them.
   */
  get keys(): Readonly<Record<'flags' | 'accepted' | 'blueprint' | 'choice' | 'plan', Key>> {
    const c = this.#c;
    const d = this.#d;
    return {
      flags: { codes: c.flags, size: 256 },
      accepted: { codes: c.accepted, size: d.accepted.length + 1 },
      blueprint: { codes: c.blueprint, size: d.blueprints.length },
      choice: { codes: c.choice, size: d.choices.length + 1 },
      plan: this.#planKey(),
    };
  }

  /** Each session's customer's (plan, currency), read from the customers in their order. */
  #planKey(): Key {
    if (!this.#plans) {
      // A code per (plan, currency) pair, the pair as plan number × 256 + currency number.
      const plans = new Dict<string>();
      const currencies = new Dict<string>();
      const combos = new Map<number, number>();
      const ofCustomer = new Uint32Array(this.#customers.length);
      this.#customers.forEach((c, i) => {
        const s = c.subscription;
        const pair = plans.code(s.plan.id) * 256 + currencies.code(s.currency);
        let code = combos.get(pair);
        if (code === undefined) {
          code = combos.size;
          combos.set(pair, code);
        }
        ofCustomer[i] = code;
      });
      const codes = new Uint32Array(this.length);
      const customer = this.#c.customer;
      for (let i = 0; i < this.length; i++) codes[i] = ofCustomer[customer[i] as number] as number;
      this.#plans = { codes, size: Math.max(1, combos.size) };
    }
    return this.#plans;
  }

  /** Internal: the columns and dictionaries, for a cursor. */
  get parts(): { readonly columns: Columns; readonly dicts: Dicts } {
    return { columns: this.#c, dicts: this.#d };
  }
}

/** A record view of one row of a table at a time (`row`); see `SessionTable.cursor`. */
export class SessionCursor implements ThinSessionRecord {
  row = 0;
  readonly #t: SessionTable;
  readonly #createdAt: Float64Array;

  constructor(table: SessionTable) {
    this.#t = table;
    this.#createdAt = table.createdAt;
  }
  get id(): string {
    return this.#t.id(this.row);
  }
  get customer(): Customer {
    return this.#t.customer(this.row);
  }
  get blueprint(): Blueprint {
    return this.#t.blueprint(this.row);
  }
  get createdAt(): number {
    return this.#createdAt[this.row] as number;
  }
  get trial(): boolean {
    return this.#t.flag(this.row, TRIAL);
  }
  get aborted(): boolean {
    return this.#t.flag(this.row, ABORTED);
  }
  get canceled(): boolean {
    return this.#t.flag(this.row, CANCELED);
  }
  get bounced(): boolean {
    return this.#t.flag(this.row, BOUNCED);
  }
  get choice(): SurveyChoice | null {
    return this.#t.choice(this.row);
  }
  get accepted(): AcceptedOffer | null {
    return this.#t.accepted(this.row);
  }
}

/**
 * Collects generated sessions (in any order) into columns; `finish` sorts them newest first
 * and marks the bounced ones, as the Data API docs' rule says (List Sessions: "A session gets
 * marked as bounced if another more relevant session takes place within 24 hours").
 */
export class SessionTableBuilder {
  #n = 0;
  #createdAt = new Float64Array(0);
  #updated = new Uint32Array(0);
  #recordingStart = new Uint32Array(0);
  #recordingEnd = new Uint32Array(0);
  #customer = new Uint32Array(0);
  #blueprint = new Uint16Array(0);
  #flags = new Uint8Array(0);
  #choice = new Uint8Array(0);
  #feedback = new Uint16Array(0);
  #accepted = new Uint16Array(0);
  #steps = new Uint8Array(0);
  #offer = new Uint16Array(0);
  #presentedAt = new Uint32Array(0);
  #answeredAt = new Uint32Array(0);
  #ids = new Uint8Array(0);
  readonly #blueprints = new Dict<Blueprint>();
  readonly #offers = new Dict<OfferDef>();
  readonly #acceptedOffers = new Dict<AcceptedOffer>();
  readonly #feedbackText = new Dict<string>();
  readonly #choices: readonly SurveyChoice[];
  readonly #choiceCodes: Map<SurveyChoice, number>;

  /**
   * `expected`: about how many sessions will be added (room for them is made at once; more
   * still fit, by doubling). Columns grown by doubling from 1,024 rows allocate twice what they
   * end with, and at a million sessions the typed arrays' growth alone set off full
   * collections.
   */
  constructor(choices: readonly SurveyChoice[], expected = 0) {
    this.#choices = choices;
    this.#choiceCodes = new Map(choices.map((c, i) => [c, i + 1]));
    if (expected > 0) this.#grow(expected, expected);
  }

  /** Copies a session into the next row; `idBytes`, when given, are its id's 12 bytes. */
  add(s: SessionRecord & { readonly idBytes?: Uint8Array }): void {
    const i = this.#n++;
    if (this.#n > this.#createdAt.length) this.#grow(this.#n);
    const t = s.createdAt;
    this.#createdAt[i] = t;
    this.#updated[i] = delta(s.updatedAt - t, 'updatedAt');
    this.#recordingStart[i] = delta(t - s.recordingStart, 'recordingStart');
    this.#recordingEnd[i] = delta(t - s.recordingEnd, 'recordingEnd');
    this.#customer[i] = s.customer.index;
    this.#blueprint[i] = this.#blueprints.code(s.blueprint);
    if (s.presented.length > MAX_STEPS) throw new Error(`session ${s.id}: too many offers`);
    let flags =
      (s.trial ? TRIAL : 0) |
      (s.aborted ? ABORTED : 0) |
      (s.canceled ? CANCELED : 0) |
      (s.mode === 'TEST' ? TEST_MODE : 0) |
      (s.discountCooldownApplied ? COOLDOWN : 0) |
      (s.bounced ? BOUNCED : 0);
    for (let k = 0; k < s.presented.length; k++) {
      const p = s.presented[k] as PresentedStep;
      const j = MAX_STEPS * i + k;
      this.#offer[j] = this.#offers.code(p.offer);
      this.#presentedAt[j] = delta(p.presentedAt - s.recordingStart, 'presentedAt');
      this.#answeredAt[j] =
        p.answeredAt === null ? UNANSWERED : delta(p.answeredAt - p.presentedAt, 'answeredAt');
      if (p.accepted) flags |= k === 0 ? STEP0_ACCEPTED : STEP1_ACCEPTED;
    }
    this.#steps[i] = s.presented.length;
    this.#flags[i] = flags;
    if (s.choice !== null && !this.#choiceCodes.has(s.choice))
      throw new Error(`session ${s.id}: a survey choice not in the catalogue`);
    this.#choice[i] = s.choice === null ? 0 : (this.#choiceCodes.get(s.choice) as number);
    this.#feedback[i] = s.feedback === null ? 0 : this.#feedbackText.code(s.feedback) + 1;
    this.#accepted[i] = s.accepted === null ? 0 : this.#acceptedOffers.code(s.accepted) + 1;
    // A drawn session brings its id as bytes; a record as text.
    if (s.idBytes !== undefined) return void this.#ids.set(s.idBytes, 12 * i);
    const id = s.id;
    if (id.length !== 24) throw new Error(`session id ${id}: not 24 hex digits`);
    for (let k = 0; k < 12; k++) {
      const hi = HEX_VALUE[id.charCodeAt(2 * k)] ?? 16;
      const lo = HEX_VALUE[id.charCodeAt(2 * k + 1)] ?? 16;
      if (hi > 15 || lo > 15) throw new Error(`session id ${id}: not 24 hex digits`);
      this.#ids[12 * i + k] = (hi << 4) | lo;
    }
  }

  /** Room for at least `need` rows in every column (doubling from `from`). */
  #grow(need: number, from = Math.max(1024, this.#createdAt.length)): void {
    let rows = from;
    while (rows < need) rows *= 2;
    this.#createdAt = grown(this.#createdAt, rows, true);
    this.#updated = grown(this.#updated, rows, true);
    this.#recordingStart = grown(this.#recordingStart, rows, true);
    this.#recordingEnd = grown(this.#recordingEnd, rows, true);
    this.#customer = grown(this.#customer, rows, true);
    this.#blueprint = grown(this.#blueprint, rows, true);
    this.#flags = grown(this.#flags, rows, true);
    this.#choice = grown(this.#choice, rows, true);
    this.#feedback = grown(this.#feedback, rows, true);
    this.#accepted = grown(this.#accepted, rows, true);
    this.#steps = grown(this.#steps, rows, true);
    this.#offer = grown(this.#offer, MAX_STEPS * rows, true);
    this.#presentedAt = grown(this.#presentedAt, MAX_STEPS * rows, true);
    this.#answeredAt = grown(this.#answeredAt, MAX_STEPS * rows, true);
    this.#ids = grown(this.#ids, 12 * rows, true);
  }

  /** The table, newest first, with `bounced` derived; its customers come from `customers`. */
  finish(customers: readonly Customer[]): SessionTable {
    const n = this.#n;
    const order = this.#newestFirst();
    // Each column is rearranged through one scratch buffer and copied back into its own
    // (a view of its first rows is the table's column): new arrays for every column, 65 MB at
    // scale 100, set off a full collection of the heap the world fills.
    const scratch = new ArrayBuffer(ROW_BYTES_MAX * n);
    const permute = <A extends WholeColumn>(a: A, width = 1): A => {
      a.set(gatherRows(a, order, width, scratch));
      return a.subarray(0, n * width) as A;
    };
    const columns: Columns = {
      createdAt: permute(this.#createdAt),
      updated: permute(this.#updated),
      recordingStart: permute(this.#recordingStart),
      recordingEnd: permute(this.#recordingEnd),
      customer: permute(this.#customer),
      blueprint: permute(this.#blueprint),
      flags: permute(this.#flags),
      choice: permute(this.#choice),
      feedback: permute(this.#feedback),
      accepted: permute(this.#accepted),
      steps: permute(this.#steps),
      offer: permute(this.#offer, MAX_STEPS),
      presentedAt: permute(this.#presentedAt, MAX_STEPS),
      answeredAt: permute(this.#answeredAt, MAX_STEPS),
      ids: permute(this.#ids, 12),
    };
    markBounced(columns, customers.length);
    return new SessionTable(
      n,
      columns,
      {
        blueprints: this.#blueprints.values,
        offers: this.#offers.values,
        accepted: this.#acceptedOffers.values,
        choices: this.#choices,
        feedback: this.#feedbackText.values,
      },
      customers,
    );
  }

  /** Row numbers in newest-first order: createdAt desc, then id desc. */
  #newestFirst(): Uint32Array {
    const n = this.#n;
    const created = this.#createdAt;
    const ids = this.#ids;
    const idDesc = (a: number, b: number): number => {
      for (let k = 0; k < 12; k++) {
        const d = (ids[12 * b + k] as number) - (ids[12 * a + k] as number);
        if (d !== 0) return d;
      }
      return 0;
    };
    // Ascending (time, row) read backwards: newest first, later rows first.
    const order = new Uint32Array(orderByValue(created.subarray(0, n)).reverse().buffer);
    // Equal times (the same millisecond) still need the id tie-break.
    return sortTies(order, created, idDesc);
  }
}

/** How much a session's outcome matters: canceled > saved by an offer > aborted. */
export const relevance = (canceled: boolean, saved: boolean): number =>
  canceled ? 3 : saved ? 2 : 1;

/**
 * The bounce rule over one customer's `count` sessions given oldest first. Churnkey Data API
 * docs, List Sessions: "A session gets marked as bounced if another more relevant session
 * takes place within 24 hours of that initial session" — e.g. a pause followed by a cancel. A
 * later session of equal relevance supersedes the earlier one too (the customer simply tried
 * again). `mark(k, bounced)` hears each session's result.
 */
export function bounceRule(
  count: number,
  timeOf: (k: number) => number,
  relevanceOf: (k: number) => number,
  mark: (k: number, bounced: boolean) => void,
): void {
  for (let k = 0; k < count; k++) {
    const t = timeOf(k);
    const r = relevanceOf(k);
    let bounced = false;
    for (let later = k + 1; later < count; later++) {
      if (timeOf(later) - t > DAY) break;
      if (relevanceOf(later) >= r) {
        bounced = true;
        break;
      }
    }
    mark(k, bounced);
  }
}

/** Sets the BOUNCED flag of every row by `bounceRule`, per customer, oldest first. */
function markBounced(c: Columns, customers: number): void {
  const { order, start } = groupByKey(c.customer, customers);
  const flags = c.flags;
  // One set of closures for every customer (`to` moves): made per customer, 350,000 of each
  // at scale 100 took most of the rule's 0.7 s.
  let to = 0;
  // Rows run newest first within a customer: the k-th oldest is order[to - 1 - k].
  const row = (k: number) => order[to - 1 - k] as number;
  const timeOf = (k: number) => c.createdAt[row(k)] as number;
  const relevanceOf = (k: number) =>
    relevance(((flags[row(k)] as number) & CANCELED) !== 0, c.accepted[row(k)] !== 0);
  const mark = (k: number, bounced: boolean) => {
    const i = row(k);
    flags[i] = bounced ? (flags[i] as number) | BOUNCED : (flags[i] as number) & ~BOUNCED;
  };
  for (let cust = 0; cust + 1 < start.length; cust++) {
    const from = start[cust] as number;
    to = start[cust + 1] as number;
    // No session, or one: no later session to bounce it.
    if (to - from < 2) {
      if (to > from)
        flags[order[from] as number] = (flags[order[from] as number] as number) & ~BOUNCED;
      continue;
    }
    bounceRule(to - from, timeOf, relevanceOf, mark);
  }
}
