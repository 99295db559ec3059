import { addInterval } from './time.ts';
import type { Customer, Plan } from './world.ts';

/** Cancellation reasons the mock accepts (the ChurnCut API docs show only `too_expensive`). */
export const REASONS = [
  'too_expensive',
  'not_using',
  'missing_features',
  'switching_competitor',
  'technical_issues',
  'temporary_break',
  'other',
] as const;
export type Reason = (typeof REASONS)[number];

export const OFFER_TYPES = ['discount', 'pause', 'downgrade'] as const;
export type OfferType = (typeof OFFER_TYPES)[number];

/** Plan tiers, cheapest first; a downgrade goes one step down. */
export const TIERS: readonly Plan['tier'][] = ['starter', 'creator', 'pro', 'business'];

/** An offer as the API shows it (the ChurnCut API docs' `offer_accepted`, Get flow status). */
export type Offer =
  | { readonly type: 'discount'; readonly value: number; readonly duration_months: number }
  | { readonly type: 'pause'; readonly duration_months: number }
  | { readonly type: 'downgrade'; readonly plan: Plan['tier'] };

/**
 * Until when an offer accepted at `acceptedAt` is in effect, which is how long the customer who
 * accepted it is `retained` (docs/decisions/008): a discount or a pause for its months, counted
 * from acceptance; a downgrade has no term (the customer stays on the lower plan).
 */
export function offerInEffectUntil(offer: Offer, acceptedAt: number): number {
  if (offer.type === 'downgrade') return Number.POSITIVE_INFINITY;
  return addInterval(acceptedAt, 'MONTH', offer.duration_months);
}

/** The first offer each reason leads with (churnmock's choice, see docs/decisions/003). */
const PRIMARY: Readonly<Record<Reason, OfferType>> = {
  too_expensive: 'discount',
  switching_competitor: 'discount',
  other: 'discount',
  not_using: 'pause',
  temporary_break: 'pause',
  technical_issues: 'pause',
  missing_features: 'downgrade',
};

/** The tier below `tier`, or null for the cheapest. */
export function lowerTier(tier: Plan['tier']): Plan['tier'] | null {
  const i = TIERS.indexOf(tier);
  return i > 0 ? (TIERS[i - 1] ?? null) : null;
}

/** The offer types a flow shows, first the one its reason leads with; no downgrade below starter. */
export function offerTypesFor(reason: Reason, tier: Plan['tier']): OfferType[] {
  const available = OFFER_TYPES.filter((t) => t !== 'downgrade' || lowerTier(tier) !== null);
  const first = PRIMARY[reason];
  return available.includes(first)
    ? [first, ...available.filter((t) => t !== first)]
    : available.slice();
}

/** The offers a live flow's page shows: the vendor's example discount, a 2-month pause, a downgrade. */
export function liveOffers(reason: Reason, tier: Plan['tier']): Offer[] {
  return offerTypesFor(reason, tier).map((type): Offer => {
    if (type === 'discount') return { type, value: 50, duration_months: 3 };
    if (type === 'pause') return { type, duration_months: 2 };
    return { type, plan: lowerTier(tier) ?? 'starter' };
  });
}

/** Monthly recurring revenue of a subscription in USD cents (analytics money, see contract). */
export function monthlyUsdCents(c: Customer): number {
  const s = c.subscription;
  const perPeriod = s.plan.prices.usd * s.quantity;
  const months =
    s.plan.interval === 'WEEK'
      ? (s.plan.intervalCount * 12) / 52
      : s.plan.interval === 'MONTH'
        ? s.plan.intervalCount
        : s.plan.intervalCount * 12;
  return Math.round(perPeriod / months);
}
