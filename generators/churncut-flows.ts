import {
  lowerTier,
  OFFER_TYPES,
  type Offer,
  type OfferType,
  offerTypesFor,
  REASONS,
  TIERS,
} from './churncut-offers.ts';
import { deriveSeed, Rng, Weighted } from './random.ts';
import { DATA_START, DAY, HOUR, MINUTE } from './time.ts';
import { grown } from './typed-arrays.ts';
import type { Customer, World } from './world.ts';

/** How a finished flow ended. */
export const OUTCOMES = ['retained', 'cancelled', 'expired'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The seeded history of cancellation flows in parallel typed arrays (struct of arrays). Flows
 * are grouped by customer, oldest first: customer i owns `[start[i], start[i + 1])`.
 */
export interface SeededFlows {
  readonly count: number;
  readonly customer: Int32Array;
  readonly created: Float64Array;
  /** completed_at, or for an expired flow its expires_at. */
  readonly finished: Float64Array;
  readonly outcome: Uint8Array;
  readonly reason: Uint8Array;
  /** The offer of record: the accepted one, else the first one shown (OFFER_TYPES index). */
  readonly offerType: Uint8Array;
  /** discount value (%), pause months, or downgrade tier (TIERS index). */
  readonly offerA: Uint8Array;
  /** discount months. */
  readonly offerB: Uint8Array;
  readonly start: Int32Array;
}

const REASON_WEIGHTS = [30, 22, 12, 10, 8, 10, 8];
const REASON_TABLE = new Weighted(REASONS.map((_, i) => [i, REASON_WEIGHTS[i] ?? 1] as const));
const DISCOUNT_VALUES = [20, 25, 30, 50];
const DISCOUNT_MONTHS = [1, 3, 6];
const PAUSE_MONTHS = [1, 2, 3];

/** The accepted offer of seeded flow `f`, or null when it was not retained. */
export function seededOffer(flows: SeededFlows, f: number): Offer | null {
  if (flows.outcome[f] !== 0) return null;
  const type = OFFER_TYPES[flows.offerType[f] as number] as OfferType;
  const a = flows.offerA[f] as number;
  if (type === 'discount') return { type, value: a, duration_months: flows.offerB[f] as number };
  if (type === 'pause') return { type, duration_months: a };
  return { type, plan: TIERS[a] ?? 'starter' };
}

/** Draws every customer's past flows; riskier customers are likelier to have tried to cancel. */
export function generateSeededFlows(world: World, probability: Uint8Array): SeededFlows {
  const r = new Rng(deriveSeed(world.seed, 'churncut-flows'));
  const n = world.customers.length;
  // Room for a flow per three customers at first, grown by half when full (there are about
  // 0.34 a customer, so it usually grows once; the same bytes either way). Sized for two a
  // customer, the columns were 45 MB at scale 100, most of it never written, and every 64 MB
  // of new array memory sets off a full collection of the world.
  let cap = Math.ceil(n / 3) + 2;
  let customer = new Int32Array(cap);
  let created = new Float64Array(cap);
  let finished = new Float64Array(cap);
  let outcome = new Uint8Array(cap);
  let reason = new Uint8Array(cap);
  let offerType = new Uint8Array(cap);
  let offerA = new Uint8Array(cap);
  let offerB = new Uint8Array(cap);
  const start = new Int32Array(n + 1);
  const last = world.asOf - 2 * DAY;
  let f = 0;
  for (let i = 0; i < n; i++) {
    start[i] = f;
    if (f + 2 > cap) {
      cap = Math.ceil(cap * 1.5) + 2;
      customer = grown(customer, cap);
      created = grown(created, cap);
      finished = grown(finished, cap);
      outcome = grown(outcome, cap);
      reason = grown(reason, cap);
      offerType = grown(offerType, cap);
      offerA = grown(offerA, cap);
      offerB = grown(offerB, cap);
    }
    const c = world.customers[i] as Customer;
    const p = (probability[i] as number) / 100;
    const from = Math.max(c.subscription.start + 7 * DAY, DATA_START);
    if (from >= last || r.float() >= p * 0.8) continue;
    const count = r.float() < 0.25 ? 2 : 1;
    const times = [r.int(from, last), r.int(from, last)].slice(0, count).sort((a, b) => a - b);
    let previousEnd = 0;
    for (const drawn of times) {
      const t = Math.max(drawn, previousEnd + HOUR);
      const why = REASON_TABLE.draw(r);
      const shown = offerTypesFor(REASONS[why] ?? 'other', c.subscription.plan.tier);
      const u = r.float();
      const result = u < 0.6 ? 0 : u < 0.9 ? 1 : 2;
      const type = result === 0 && r.bool(0.3) ? r.pick(shown) : (shown[0] as OfferType);
      customer[f] = i;
      created[f] = t;
      finished[f] = result === 2 ? t + DAY : t + r.int(2 * MINUTE, 3 * HOUR);
      outcome[f] = result;
      reason[f] = why;
      offerType[f] = OFFER_TYPES.indexOf(type);
      if (type === 'discount') {
        offerA[f] = r.pick(DISCOUNT_VALUES);
        offerB[f] = r.pick(DISCOUNT_MONTHS);
      } else if (type === 'pause') offerA[f] = r.pick(PAUSE_MONTHS);
      else offerA[f] = TIERS.indexOf(lowerTier(c.subscription.plan.tier) ?? 'starter');
      previousEnd = finished[f] as number;
      f++;
      if (result === 1) break; // churned: no later attempts
    }
  }
  start[n] = f;
  return {
    count: f,
    customer: customer.slice(0, f),
    created: created.slice(0, f),
    finished: finished.slice(0, f),
    outcome: outcome.slice(0, f),
    reason: reason.slice(0, f),
    offerType: offerType.slice(0, f),
    offerA: offerA.slice(0, f),
    offerB: offerB.slice(0, f),
    start,
  };
}
