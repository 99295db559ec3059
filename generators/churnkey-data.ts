import {
  type Blueprint,
  blueprintAt,
  type FlowCatalogue,
  generateFlows,
  type OfferDef,
  SURVEY,
  type SurveyChoice,
} from './churnkey-flows.ts';
import {
  type AcceptedOffer,
  type PresentedStep,
  type SessionRecord,
  type SessionTable,
  SessionTableBuilder,
} from './churnkey-sessions.ts';
import { deriveSeed, objectIdBytes, Rng, Weighted } from './random.ts';
import { DATA_START, DAY, HOUR, MINUTE, SECOND } from './time.ts';
import { longLived } from './typed-arrays.ts';
import type { Customer, World } from './world.ts';

export type {
  AcceptedOffer,
  PresentedStep,
  SessionRecord,
  ThinSessionRecord,
} from './churnkey-sessions.ts';

/** Record counts per person for the DSR endpoints (sessions are counted from the store). */
export interface DsrCounts {
  events: number;
  campaigns: number;
  invoices: number;
  failedPayments: number;
  subscriptions: number;
  charges: number;
  emails: number;
}

/**
 * The Data API docs show a rejected DSR delete for a profile "exceeding the limit" (GDPR User
 * Data Delete Request); churnmock puts the limit at 10,000 events. The generator gives a few
 * people more; the API refuses to erase them.
 */
export const DSR_DELETE_EVENT_LIMIT = 10_000;

/** The kinds of record a DSR counts, in a record's order. */
export const DSR_FIELDS = [
  'events',
  'campaigns',
  'invoices',
  'failedPayments',
  'subscriptions',
  'charges',
  'emails',
] as const satisfies readonly (keyof DsrCounts)[];

/** Each person's DSR counts as one column per kind. */
export type DsrColumns = Readonly<Record<keyof DsrCounts, Int32Array>>;

/**
 * Every person's DSR record counts, by customer index, as one column per kind; a person's
 * counts are made when read. As an object a person (750,000 at scale 100) lived through every
 * collection of the start.
 */
export class DsrTable {
  constructor(readonly columns: DsrColumns) {}

  /** `n` people with no records. */
  static zeros(n: number): DsrTable {
    return new DsrTable(
      Object.fromEntries(DSR_FIELDS.map((f) => [f, longLived(Int32Array, n)])) as DsrColumns,
    );
  }

  get length(): number {
    return this.columns.events.length;
  }

  /** Person `i`'s counts (a new object), or undefined past the end. */
  at(i: number): DsrCounts | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const c = this.columns;
    return {
      events: c.events[i] as number,
      campaigns: c.campaigns[i] as number,
      invoices: c.invoices[i] as number,
      failedPayments: c.failedPayments[i] as number,
      subscriptions: c.subscriptions[i] as number,
      charges: c.charges[i] as number,
      emails: c.emails[i] as number,
    };
  }

  /** A copy with person `i`'s counts replaced. */
  with(i: number, counts: DsrCounts): DsrTable {
    const copy = Object.fromEntries(
      DSR_FIELDS.map((f) => [f, this.columns[f].slice()]),
    ) as DsrColumns;
    for (const f of DSR_FIELDS) copy[f][i] = counts[f];
    return new DsrTable(copy);
  }

  /** Everyone's counts as objects (tests, exports). */
  toArray(): DsrCounts[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i) as DsrCounts);
  }
}

export interface ChurnkeyDataset {
  readonly flows: FlowCatalogue;
  /** Newest first (createdAt desc, then id desc), as columns. */
  readonly sessions: SessionTable;
  /** Indexed by customer index. */
  readonly dsr: DsrTable;
}

type Outcome = 'cancel' | 'save' | 'abort';

const SURVEY_TABLE = new Weighted(SURVEY.map((s, i) => [i, s.weight] as const));

/**
 * The accepted offer as a session records it: the offer's own detail, with what the customer
 * chose where the offer lets them (the pause length, the new plan). The seeded sessions and
 * the hosted flow's both use it, so they have one shape.
 */
export function acceptedOfferOf(o: OfferDef, choice: string | number | null): AcceptedOffer {
  const base = { guid: o.guid, offerType: o.offerType };
  const c = o.config;
  switch (o.offerType) {
    case 'PAUSE':
      return { ...base, pauseInterval: String(c.pauseInterval), pauseDuration: Number(choice) };
    case 'DISCOUNT':
      return {
        ...base,
        couponId: o.coupon?.id ?? '',
        couponType: o.coupon?.type ?? 'PERCENT',
        couponAmount: o.coupon?.amount ?? 0,
        couponDuration: o.coupon?.duration ?? null,
      };
    case 'PLAN_CHANGE':
      return { ...base, newPlanId: String(choice) };
    case 'TRIAL_EXTENSION':
      return { ...base, trialExtensionDays: Number(c.trialExtensionDays) };
    case 'REDIRECT':
      return { ...base, redirectUrl: String(c.redirectUrl) };
    default:
      return base;
  }
}

/** Accepted offers made so far, by offer guid and then by what the customer chose. */
type Interned = Map<string, Map<string | number, AcceptedOffer>>;

function acceptedOffer(r: Rng, o: OfferDef, interned: Interned): AcceptedOffer {
  // The only per-session variation is the pause length or the new plan; intern on that (no
  // key text made per accepted offer).
  const variant =
    o.offerType === 'PAUSE'
      ? r.int(1, o.config.maxPauseLength as number)
      : o.offerType === 'PLAN_CHANGE'
        ? r.pick(o.config.planIds as string[])
        : '';
  let byVariant = interned.get(o.guid);
  if (!byVariant) {
    byVariant = new Map();
    interned.set(o.guid, byVariant);
  }
  const known = byVariant.get(variant);
  if (known) return known;
  const value = Object.freeze(acceptedOfferOf(o, variant));
  byVariant.set(variant, value);
  return value;
}

function segmentOf(c: Customer, t: number): 'default' | 'annual' | 'trial' {
  const s = c.subscription;
  if (s.trialEnd !== null && t < s.trialEnd) return 'trial';
  return s.plan.interval === 'YEAR' ? 'annual' : 'default';
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type DraftStep = Writable<PresentedStep>;

/**
 * The session being drawn: one object for every session of a dataset, since the table's
 * builder copies a session into its columns at once. A record per session (a million at
 * scale 100, with their offer steps) was copied by each young-generation collection and
 * then allocated straight into the old generation, 600 MB of it by the end, which a full
 * collection then had to sweep.
 */
class SessionDraft implements Writable<Omit<SessionRecord, 'presented' | 'id'>> {
  /** The id's 12 bytes (the table keeps bytes: no text is made for it). */
  readonly idBytes = new Uint8Array(12);
  // Set by `restart` before anything reads them.
  customer!: Customer;
  blueprint!: Blueprint;
  createdAt = 0;
  updatedAt = 0;
  recordingStart = 0;
  recordingEnd = 0;
  trial = false;
  aborted = false;
  canceled = false;
  mode: 'LIVE' | 'TEST' = 'LIVE';
  choice: SurveyChoice | null = null;
  feedback: string | null = null;
  accepted: AcceptedOffer | null = null;
  discountCooldownApplied = false;
  bounced = false;
  /** The offers shown, oldest first: `steps`' first entries. */
  readonly presented: DraftStep[] = [];
  readonly #steps: DraftStep[] = [];

  /** The id as text (24 hex digits), for whoever reads it as a record's. */
  get id(): string {
    return Buffer.from(this.idBytes).toString('hex');
  }

  /** Starts the next session: no offers shown yet. */
  restart(customer: Customer, blueprint: Blueprint): void {
    this.customer = customer;
    this.blueprint = blueprint;
    this.presented.length = 0;
  }

  /** One more offer shown (the k-th of a session reuses the k-th step object). */
  present(
    offer: OfferDef,
    presentedAt: number,
    answeredAt: number | null,
    accepted: boolean,
  ): void {
    const k = this.presented.length;
    let step = this.#steps[k];
    if (step === undefined) {
      step = { offer, presentedAt, answeredAt, accepted };
      this.#steps.push(step);
    } else {
      step.offer = offer;
      step.presentedAt = presentedAt;
      step.answeredAt = answeredAt;
      step.accepted = accepted;
    }
    this.presented.push(step);
  }
}

/** Draws one session of `c` at `t` into `s` (which it overwrites). */
function makeSession(
  r: Rng,
  flows: FlowCatalogue,
  c: Customer,
  t: number,
  outcome: Outcome,
  interned: Interned,
  s: SessionDraft,
): SessionDraft {
  const segment = segmentOf(c, t);
  s.restart(c, blueprintAt(flows, segment, t, r));
  const blueprint = s.blueprint;
  let clock = t + r.int(600, 4 * SECOND);
  let accepted: AcceptedOffer | null = null;
  let choice: SurveyChoice | null = null;
  let feedback: string | null = null;
  const leavesEarly = outcome === 'abort' && r.bool(0.4);
  if (!leavesEarly) {
    // The first offer comes before the survey, as in the vendor's example session.
    const saveOnFirst = outcome === 'save' && r.bool(0.35);
    const abortOnFirst = outcome === 'abort' && r.bool(0.5);
    const answered = abortOnFirst ? null : clock + r.int(2 * SECOND, 25 * SECOND);
    s.present(blueprint.firstOffer, clock, answered, saveOnFirst);
    if (saveOnFirst) accepted = acceptedOffer(r, blueprint.firstOffer, interned);
    clock = (answered ?? clock) + r.int(1 * SECOND, 8 * SECOND);
    if (!saveOnFirst && !abortOnFirst) {
      const idx = SURVEY_TABLE.draw(r);
      choice = flows.choices[idx] ?? null;
      if (r.bool(0.55)) feedback = r.pick(SURVEY[idx]?.feedback ?? ['']);
      const next = choice ? blueprint.surveyOffers.get(choice.id) : undefined;
      if (next) {
        clock += r.int(4 * SECOND, 40 * SECOND);
        const accept = outcome === 'save';
        const answeredAt = outcome === 'abort' ? null : clock + r.int(2 * SECOND, 20 * SECOND);
        s.present(next, clock, answeredAt, accept);
        if (accept) accepted = acceptedOffer(r, next, interned);
        clock = (answeredAt ?? clock) + r.int(1 * SECOND, 6 * SECOND);
      }
    }
  }
  // A "save" whose survey answer had no offer attached ends as a cancel.
  const canceled = outcome === 'cancel' || (outcome === 'save' && accepted === null);
  const recordingEnd = clock + r.int(100, 2 * SECOND);
  const createdAt = recordingEnd + r.int(20, 200);
  // The draws below in the order the fields were once written as one object literal.
  objectIdBytes(r, createdAt, s.idBytes);
  s.createdAt = createdAt;
  s.updatedAt = createdAt + r.int(100, 900);
  s.recordingStart = t;
  s.recordingEnd = recordingEnd;
  s.trial = segment === 'trial';
  s.aborted = outcome === 'abort';
  s.canceled = canceled;
  s.mode = r.bool(0.03) ? 'TEST' : 'LIVE';
  s.choice = choice;
  s.feedback = feedback;
  s.accepted = accepted;
  s.discountCooldownApplied = accepted?.offerType === 'DISCOUNT' ? false : r.bool(0.05);
  s.bounced = false;
  return s;
}

/**
 * Sessions drawn per customer, a little over what the draws give (1.33 at scale 100, 1.36 at
 * scale 1): room made at once in the table's columns.
 */
const SESSIONS_PER_CUSTOMER = 1.4;

const OUTCOMES = new Weighted<Outcome>([
  ['cancel', 53],
  ['save', 33],
  ['abort', 14],
]);
const BOUNCE_FOLLOW_UP = new Weighted<Outcome>([
  ['cancel', 65],
  ['save', 20],
  ['abort', 15],
]);
const FAILED_PAYMENTS = new Weighted<number>([
  [0, 70],
  [1, 18],
  [2, 8],
  [3, 4],
]);

function customerSessions(
  r: Rng,
  flows: FlowCatalogue,
  c: Customer,
  asOf: number,
  out: SessionTableBuilder,
  interned: Interned,
  draft: SessionDraft,
): void {
  if (r.bool(0.2)) return;
  const { start, trialEnd } = c.subscription;
  // Many first cancel attempts happen while still on trial.
  const trialFrom = Math.max(start, DATA_START) + HOUR;
  const inTrial = trialEnd !== null && trialEnd - HOUR > trialFrom && r.bool(0.45);
  let t = inTrial
    ? r.int(trialFrom, (trialEnd ?? trialFrom) - HOUR)
    : Math.max(start + r.int(3 * DAY, 400 * DAY), DATA_START + r.int(0, 90 * DAY));
  while (t < asOf - HOUR) {
    let s = makeSession(r, flows, c, t, OUTCOMES.draw(r), interned, draft);
    out.add(s);
    if (r.bool(0.13)) {
      // A second attempt the same day: the first session becomes "bounced".
      const t2 = s.createdAt + r.int(10 * MINUTE, 23 * HOUR);
      if (t2 >= asOf) break;
      s = makeSession(r, flows, c, t2, BOUNCE_FOLLOW_UP.draw(r), interned, draft);
      out.add(s);
    }
    if (s.canceled) break;
    t = s.createdAt + r.int(20 * DAY, 420 * DAY);
  }
}

/** Newest first, ties broken by id, descending: the order every listing uses. */
export function compareSessions(a: SessionRecord, b: SessionRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Draws person `c`'s DSR counts into row `i` of `into`'s columns. */
function dsrCounts(r: Rng, c: Customer, asOf: number, into: DsrColumns, i: number): void {
  const months = Math.max(1, Math.round((asOf - c.subscription.start) / (30 * DAY)));
  const invoices = Math.min(months, 60);
  const failedPayments = FAILED_PAYMENTS.draw(r);
  const campaigns = r.int(0, 3);
  // In the order the draws were once made, as one object literal.
  into.events[i] = r.int(5, 40) * Math.min(months, 24);
  into.campaigns[i] = campaigns;
  into.invoices[i] = invoices;
  into.failedPayments[i] = failedPayments;
  into.subscriptions[i] = r.bool(0.1) ? 2 : 1;
  into.charges[i] = invoices + failedPayments;
  into.emails[i] = campaigns * r.int(0, 4);
}

/** Churnkey's seeded data for a world: cancel-flow sessions and DSR record counts. */
export function generateChurnkeyData(world: World): ChurnkeyDataset {
  const r = new Rng(deriveSeed(world.seed, 'churnkey-data'));
  const flows = generateFlows(r);
  const builder = new SessionTableBuilder(
    flows.choices,
    Math.ceil(SESSIONS_PER_CUSTOMER * world.customers.length),
  );
  const interned: Interned = new Map();
  const draft = new SessionDraft();
  for (const c of world.customers)
    customerSessions(r, flows, c, world.asOf, builder, interned, draft);
  const sorted = builder.finish(world.customers);
  const dsr = DsrTable.zeros(world.customers.length);
  for (const [i, c] of world.customers.entries()) dsrCounts(r, c, world.asOf, dsr.columns, i);
  // Some people have more events than the API may delete (the vendor's rejected form).
  const hasSessions = new Uint8Array(world.customers.length);
  for (const i of sorted.customerIndex) hasSessions[i] = 1;
  const withSessions = world.customers.filter((c) => hasSessions[c.index] === 1);
  const heavy = r.sample(withSessions, Math.max(3, Math.round(3 * world.scale)));
  for (const c of heavy) dsr.columns.events[c.index] = r.int(DSR_DELETE_EVENT_LIMIT + 1, 14_000);
  return { flows, sessions: sorted, dsr };
}
