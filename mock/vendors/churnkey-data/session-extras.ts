import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { COUPONS, type Coupon } from '../../../generators/churnkey-flows.ts';
import { hashKey, keyedStream } from '../../../generators/random.ts';
import { DAY, iso } from '../../../generators/time.ts';
import { FILTER_FIELDS } from './fields.ts';
import { feedbackFields } from './session-feedback.ts';
import { languages, regionOf } from './session-locale.ts';
import { stepsViewed, stepsViewedJson } from './session-steps.ts';

/** Churnkey offered click-to-cancel and strict FTC compliance from the FTC's final rule on. */
export const CLICK_TO_CANCEL_FROM = Date.parse('2024-10-16T00:00:00Z');
/** Discount auto-optimization became available to the organisation then. */
export const AUTO_OPTIMIZE_FROM = Date.parse('2024-03-10T00:00:00Z');
/** A pause or discount that ended less than this long ago withholds new ones. */
export const COOLDOWN = 90 * DAY;

/** One stream per concern, so a change to one leaves the others' values alone. */
const Lane = { session: 0, pause: 1, steps: 2, discount: 3, feedback: 4 } as const;

/** Coupons that end, the only ones a past or cooled-down discount can have. */
const ENDING_COUPONS: readonly Coupon[] = COUPONS.filter((c) => c.duration !== null);

/**
 * The fields real responses carry beyond the vendor's example (the Airbyte source-churnkey
 * connector schema), derived from the record and streams keyed by the organisation and the
 * session or customer id: never from the generator's stream, so the other fields stay as
 * they were, and nothing more is stored per session.
 */
export interface SessionExtras {
  readonly top: Record<string, unknown>;
  readonly customer: Record<string, unknown>;
  /** Discount offers were auto-optimized (their discountConfig carries the custom terms). */
  readonly autoOptimized: boolean;
}

function pauseHistory(s: SessionRecord, draw: () => number): number | null {
  const sub = s.customer.subscription;
  if (s.trial) return null;
  const x = draw();
  const t = s.recordingStart;
  if (x < 0.015) return t + Math.floor((3 + 57 * draw()) * DAY);
  const past = t - Math.floor((5 + 195 * draw()) * DAY);
  return x < 0.075 && past > sub.start + 30 * DAY ? past : null;
}

function discountHistory(s: SessionRecord, draw: () => number) {
  const t = s.recordingStart;
  const coupon = ENDING_COUPONS[Math.floor(draw() * ENDING_COUPONS.length)] as Coupon;
  let expires: number | null = null;
  if (s.discountCooldownApplied) {
    // Withheld because one ran out recently or still runs (within the cooldown either way).
    const lo = Math.min(Math.max(t - 60 * DAY, s.customer.subscription.start + 30 * DAY), t);
    expires = lo + Math.floor(draw() * (t + 60 * DAY - lo));
  } else if (draw() < 0.08) {
    const past = t - COOLDOWN - Math.floor((30 + 380 * draw()) * DAY);
    if (past > s.customer.subscription.start + 30 * DAY) expires = past;
  }
  const active = expires !== null && expires > t;
  return {
    subscriptionDiscount: active
      ? {
          id: `di_${Math.floor(draw() * 2 ** 48).toString(36)}`,
          coupon: {
            id: coupon.id,
            couponType: coupon.type,
            couponAmount: coupon.amount,
            couponDuration: coupon.duration,
          },
        }
      : null,
    latestDiscountExpiration: expires === null ? null : iso(expires),
  };
}

const monthsBetween = (from: number, to: number) =>
  Math.max(0, Math.floor((to - from) / (30.44 * DAY)));

/** Every extra field of one session (see SessionExtras). */
export function sessionExtras(s: SessionRecord, org: string): SessionExtras {
  const key = hashKey(`${org}:${s.id}`);
  const session = keyedStream(key, Lane.session);
  // Drawn unconditionally, in a fixed order, so one value never shifts another.
  const [overrides, overrideTo, clicks, optimizes] = [session(), session(), session(), session()];
  const person = keyedStream(hashKey(`${org}:${s.customer.id}`));
  const sub = s.customer.subscription;
  const region = regionOf(s.customer, person);
  const lang = languages(region, person(), overrides < 0.02 ? overrideTo : null);
  const rules = s.createdAt >= CLICK_TO_CANCEL_FROM;
  const clickToCancelEnabled = rules && region.clickToCancelRule;
  const strictFTCComplianceEnabled = rules && region.ftc;
  const usedClickToCancel = clickToCancelEnabled && s.canceled && clicks < 0.2;
  const offersDiscount = s.presented.some((p) => p.offer.offerType === 'DISCOUNT');
  const autoOptimized = offersDiscount && s.createdAt >= AUTO_OPTIMIZE_FROM && optimizes < 0.3;
  const pauseEnd = pauseHistory(s, keyedStream(key, Lane.pause));
  const pauseCooldownApplied =
    pauseEnd !== null &&
    s.recordingStart - pauseEnd < COOLDOWN &&
    !s.presented.some((p) => p.offer.offerType === 'PAUSE');
  const steps = stepsViewed(s, usedClickToCancel, keyedStream(key, Lane.steps));
  const wrote = steps.find((v) => v.stepType === 'FREEFORM');
  const customer = {
    paused: pauseEnd !== null && pauseEnd > s.recordingStart,
    pauseEnd: pauseEnd === null ? null : iso(pauseEnd),
    onTrial: s.trial,
    trialStart: sub.trialEnd === null ? null : iso(sub.start),
    trialEnd: sub.trialEnd === null ? null : iso(sub.trialEnd),
    customAttributes: {
      tenureMonths: monthsBetween(sub.start, s.recordingStart),
      seats: sub.quantity,
    },
    ...discountHistory(s, keyedStream(key, Lane.discount)),
  };
  const top = {
    __v: 0,
    ...lang,
    region: {
      clickToCancel: clickToCancelEnabled,
      matchedRegion: region.matchedRegion,
      matchedRegionCode: region.matchedRegionCode,
      strictFTCCompliance: strictFTCComplianceEnabled,
    },
    saveType: FILTER_FIELDS.saveType?.(s) ?? null,
    recording: s.mode === 'LIVE' ? `https://recordings.example.com/${org}/${s.id}.json` : null,
    managedFlow: keyedStream(hashKey(`${org}:${s.blueprint.id}`))() < 0.25,
    stepsViewed: stepsViewedJson(steps),
    ...feedbackFields(s, wrote?.end ?? s.recordingEnd, keyedStream(key, Lane.feedback)),
    usedClickToCancel,
    clickToCancelEnabled,
    pauseCooldownApplied,
    autoOptimizationUsed: autoOptimized,
    strictFTCComplianceEnabled,
  };
  return { top, customer, autoOptimized };
}
