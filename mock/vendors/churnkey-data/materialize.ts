import { LRUCache } from 'lru-cache';
import type { PresentedStep, SessionRecord } from '../../../generators/churnkey-data.ts';
import { billingPeriod, iso } from '../../../generators/time.ts';
import { RawJson } from '../../core/pipeline/raw-json.ts';
import { sessionExtras } from './session-extras.ts';

/**
 * A discount's config with the terms auto-optimization settled on; churnmock's optimizer
 * keeps the coupon's own terms, so the accepted offer's coupon fields stay what the
 * `couponId` filter and breakdown see.
 */
function discountConfig(p: PresentedStep, autoOptimized: boolean): Record<string, unknown> {
  const c = p.offer.coupon;
  const custom = autoOptimized && c !== undefined;
  return {
    ...p.offer.config,
    customAmount: custom ? c.amount : null,
    customDuration: custom ? (c.duration === null ? 'forever' : String(c.duration)) : null,
  };
}

function presentedOffer(p: PresentedStep, autoOptimized: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    guid: p.offer.guid,
    accepted: p.accepted,
    presentedAt: iso(p.presentedAt),
  };
  if (p.answeredAt !== null) out[p.accepted ? 'acceptedAt' : 'declinedAt'] = iso(p.answeredAt);
  out.surveyOffer = p.offer.surveyOffer;
  out.offerType = p.offer.offerType;
  out[p.offer.configKey] =
    p.offer.offerType === 'DISCOUNT' ? discountConfig(p, autoOptimized) : p.offer.config;
  return out;
}

/**
 * The session exactly as Churnkey's Data API returns it (Data API docs, List Sessions: Response
 * Data Format), field order included, followed by the fields real responses add (the Airbyte
 * source-churnkey connector schema; see session-extras.ts).
 */
export function toSessionJson(s: SessionRecord, org: string): Record<string, unknown> {
  const c = s.customer;
  const sub = c.subscription;
  const extras = sessionExtras(s, org);
  const [periodStart, periodEnd] = billingPeriod(
    sub.start,
    sub.plan.interval,
    sub.plan.intervalCount,
    s.recordingStart,
  );
  return {
    _id: s.id,
    org,
    blueprintId: s.blueprint.id,
    segmentId: s.blueprint.segmentId,
    abtest: s.blueprint.abtest,
    customer: {
      id: c.id,
      email: c.email,
      created: iso(c.created),
      subscriptionId: sub.id,
      subscriptionStart: iso(sub.start),
      subscriptionPeriodStart: iso(periodStart),
      subscriptionPeriodEnd: iso(periodEnd),
      currency: sub.currency,
      planId: sub.plan.id,
      planPrice: sub.plan.prices[sub.currency],
      itemQuantity: sub.quantity,
      billingInterval: sub.plan.interval,
      billingIntervalCount: sub.plan.intervalCount,
      ...extras.customer,
    },
    acceptedOffer: s.accepted && {
      ...s.accepted,
      autoOptimize: extras.autoOptimized && s.accepted.offerType === 'DISCOUNT',
    },
    provider: 'STRIPE',
    aborted: s.aborted,
    canceled: s.canceled,
    trial: s.trial,
    bounced: s.bounced,
    surveyId: s.choice ? s.blueprint.surveyId : null,
    surveyChoiceId: s.choice?.id ?? null,
    surveyChoiceValue: s.choice?.value ?? null,
    feedback: s.feedback,
    discountCooldownApplied: s.discountCooldownApplied,
    customActionHandler: null,
    presentedOffers: s.presented.map((p) => presentedOffer(p, extras.autoOptimized)),
    mode: s.mode,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    recordingEndTime: iso(s.recordingEnd),
    recordingStartTime: iso(s.recordingStart),
    ...extras.top,
  };
}

/** How much session JSON is kept (the default data's every session fits, ~32 MB). */
export const FRAGMENT_BYTES = 128 * 1024 * 1024;

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * Each session's JSON, serialised and UTF-8 encoded once: a listed page is its sessions' bytes
 * joined, the same bytes `JSON.stringify` gives the list, without building, serialising and
 * encoding a hundred objects per request. Records never change (a changed one is a new
 * object), so a fragment never goes stale; the LRU keeps memory bounded at any scale.
 */
export class SessionFragments {
  readonly #bytes: LRUCache<SessionRecord, Buffer>;

  constructor(
    readonly org: string,
    maxBytes = FRAGMENT_BYTES,
  ) {
    this.#bytes = new LRUCache({ maxSize: maxBytes, sizeCalculation: (b) => b.length + 64 });
  }

  of(s: SessionRecord): Buffer {
    let bytes = this.#bytes.get(s);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(toSessionJson(s, this.org)));
      this.#bytes.set(s, bytes);
    }
    return bytes;
  }

  /** A list of sessions as the JSON array's bytes. */
  list(sessions: readonly SessionRecord[]): RawJson {
    const parts: Buffer[] = [OPEN];
    sessions.forEach((s, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(this.of(s));
    });
    parts.push(CLOSE);
    return new RawJson(parts);
  }
}
