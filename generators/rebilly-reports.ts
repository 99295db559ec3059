import { deriveSeed, Rng, Weighted } from './random.ts';
import {
  CODED_FIELDS,
  type CodedField,
  Dictionary,
  type RebillyCancellations,
  sortByCancelTime,
} from './rebilly-columns.ts';
import { LEAD_SOURCE_KEYS, leadSourceOf, makeAgents } from './rebilly-lead-sources.ts';
import { addInterval, DATA_START, DAY, MINUTE, SECOND } from './time.ts';
import type { Customer, World } from './world.ts';

/** Who canceled a subscription (Rebilly's OpenAPI definition: docs/decisions/002). */
export const CANCELED_BY = ['merchant', 'customer', 'rebilly'] as const;
export type CanceledBy = (typeof CANCELED_BY)[number];

/** Rebilly's cancellation categories (its OpenAPI definition: docs/decisions/002). */
export const CANCEL_CATEGORIES = [
  'billing-failure',
  'delinquency',
  'did-not-use',
  'did-not-want',
  'missing-features',
  'bugs-or-problems',
  'do-not-remember',
  'risk-warning',
  'contract-expired',
  'too-expensive',
  'never-started',
  'switched-plan',
  'organization-deactivated',
  'other',
] as const;
export type CancelCategory = (typeof CANCEL_CATEGORIES)[number];

export {
  CODED_FIELDS,
  type CodedField,
  type RebillyCancellations,
} from './rebilly-columns.ts';
export { LEAD_SOURCE_KEYS, type LeadSource, type LeadSourceKey } from './rebilly-lead-sources.ts';

/** The merchant's websites (Rebilly `websiteId`): one per region, one for partner sign-ups. */
export const WEBSITES = [
  'web_churnmock_us',
  'web_churnmock_eu',
  'web_churnmock_uk',
  'web_churnmock_partners',
];

type Cause = readonly [CanceledBy, CancelCategory | null];
const causes = (entries: readonly (readonly [CanceledBy, CancelCategory | null, number])[]) =>
  new Weighted<Cause>(entries.map(([by, cat, w]) => [[by, cat], w] as const));

// Voluntary churn dominates; Rebilly itself cancels after failed dunning; merchants sometimes
// cancel through the API without a category (the "missing" group of cancelCategory).
const PAID_CAUSES = causes([
  ['customer', 'too-expensive', 17],
  ['customer', 'did-not-use', 10],
  ['customer', 'did-not-want', 8],
  ['customer', 'missing-features', 9],
  ['customer', 'bugs-or-problems', 6],
  ['customer', 'do-not-remember', 3],
  ['customer', 'switched-plan', 6],
  ['customer', 'other', 7],
  ['rebilly', 'billing-failure', 10],
  ['rebilly', 'delinquency', 8],
  ['rebilly', 'contract-expired', 2],
  ['merchant', 'risk-warning', 2],
  ['merchant', 'contract-expired', 3],
  ['merchant', 'switched-plan', 2],
  ['merchant', 'organization-deactivated', 1],
  ['merchant', 'other', 2],
  ['merchant', null, 4],
]);
const TRIAL_CAUSES = causes([
  ['customer', 'did-not-use', 30],
  ['customer', 'never-started', 20],
  ['customer', 'did-not-want', 15],
  ['customer', 'too-expensive', 15],
  ['customer', 'missing-features', 10],
  ['customer', 'other', 5],
  ['merchant', 'risk-warning', 3],
  ['merchant', null, 2],
]);
/** Share of trials canceled before they convert. */
const TRIAL_CANCEL = 0.4;
/** Chance of canceling in any one billing period, by interval (and count). */
const HAZARD = { WEEK: 0.035, MONTH: 0.06, QUARTER: 0.15, YEAR: 0.35 } as const;
const DUNNING = [1 * DAY, 21 * DAY] as const;

function hazardOf(c: Customer): number {
  const p = c.subscription.plan;
  if (p.interval === 'MONTH') return p.intervalCount >= 3 ? HAZARD.QUARTER : HAZARD.MONTH;
  return HAZARD[p.interval];
}

/** Rough period lengths, only to skip subscriptions that are still active cheaply. */
const APPROX = { WEEK: 7 * DAY, MONTH: 30.4 * DAY, YEAR: 365.2 * DAY } as const;

/** Start, cancel time and cause of one subscription, or null while it is still active. */
function cancellation(r: Rng, c: Customer, asOf: number): [number, number, Cause] | null {
  const s = c.subscription;
  const start = Math.floor(s.start / SECOND) * SECOND;
  let at: number;
  let cause: Cause;
  if (s.trialEnd !== null && r.bool(TRIAL_CANCEL)) {
    cause = TRIAL_CAUSES.draw(r);
    at = start + r.int(10 * MINUTE, s.trialEnd - start);
  } else {
    cause = PAID_CAUSES.draw(r);
    const { interval, intervalCount } = s.plan;
    const periods = 1 + Math.floor(Math.log(1 - r.float()) / Math.log(1 - hazardOf(c)));
    const paidFrom = s.trialEnd ?? start;
    const length = APPROX[interval] * intervalCount;
    if (paidFrom + (periods - 1) * length > asOf + 7 * DAY) return null;
    // Rebilly cancels after dunning past the failed renewal; people cancel during a period.
    at =
      cause[0] === 'rebilly' && cause[1] !== 'contract-expired'
        ? addInterval(paidFrom, interval, periods * intervalCount) + r.int(DUNNING[0], DUNNING[1])
        : addInterval(paidFrom, interval, (periods - 1) * intervalCount) +
          r.int(MINUTE, length - MINUTE);
  }
  at = Math.floor(at / SECOND) * SECOND;
  return at < DATA_START || at > asOf ? null : [start, at, cause];
}

/**
 * The canceled Rebilly subscriptions of the shared world: each customer's subscription is
 * billed by Rebilly and some are canceled between 2022-01-01 and the as-of date. A pure
 * function of the world (its seed, as-of date and customers).
 */
export function generateRebillyReports(world: World): RebillyCancellations {
  const r = new Rng(deriveSeed(world.seed, 'rebilly-reports'));
  const agents = makeAgents(r);
  const n = world.customers.length;
  const dict = Object.fromEntries(CODED_FIELDS.map((f) => [f, new Dictionary()])) as Record<
    CodedField,
    Dictionary
  >;
  dict.planId = new Dictionary(world.plans.map((p) => p.id));
  dict.websiteId = new Dictionary(WEBSITES);
  dict.canceledBy = new Dictionary(CANCELED_BY);
  dict.cancelCategory = new Dictionary(CANCEL_CATEGORIES);
  const raw = {
    customer: new Uint32Array(n),
    start: new Uint32Array(n),
    canceled: new Uint32Array(n),
    codes: Object.fromEntries(CODED_FIELDS.map((f) => [f, new Uint16Array(n)])) as Record<
      CodedField,
      Uint16Array
    >,
  };
  const lead = LEAD_SOURCE_KEYS.map((k) => ({
    key: k,
    dict: dict[`leadSource.${k}`],
    column: raw.codes[`leadSource.${k}`],
  }));
  const { planId, websiteId, canceledBy, cancelCategory } = raw.codes;
  let count = 0;
  for (const c of world.customers) {
    const cancel = cancellation(r, c, world.asOf);
    if (!cancel) continue;
    const [start, at, [by, category]] = cancel;
    const source = leadSourceOf(r, c, agents);
    const currency = c.subscription.currency;
    const website =
      source.medium === 'affiliate' && r.bool(0.6)
        ? 'web_churnmock_partners'
        : currency === 'eur'
          ? 'web_churnmock_eu'
          : currency === 'gbp'
            ? 'web_churnmock_uk'
            : 'web_churnmock_us';
    raw.customer[count] = c.index;
    raw.start[count] = start / SECOND;
    raw.canceled[count] = at / SECOND;
    planId[count] = dict.planId.code(c.subscription.plan.id);
    websiteId[count] = dict.websiteId.code(website);
    canceledBy[count] = dict.canceledBy.code(by);
    cancelCategory[count] = dict.cancelCategory.code(category);
    for (const l of lead) l.column[count] = l.dict.code(source[l.key] ?? null);
    count++;
  }
  return sortByCancelTime(raw, count, dict);
}
