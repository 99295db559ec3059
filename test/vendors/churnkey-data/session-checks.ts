/**
 * The rules tying a session's connector-schema fields (Airbyte source-churnkey connector
 * schema) to the rest of the session, checked on the JSON alone, independently of the mock's
 * code. Shared by the seeded-data and hosted-flow tests.
 */

/** Session keys real responses carry beyond the vendor document's example. */
export const NEW_SESSION_KEYS = [
  '__v',
  'lang',
  'uiLang',
  'contentLang',
  'displayLang',
  'detectedLang',
  'overriddenLang',
  'langMismatch',
  'translationType',
  'region',
  'saveType',
  'recording',
  'managedFlow',
  'stepsViewed',
  'followupQuestion',
  'followupResponse',
  'feedbackAnalysis',
  'sentimentScores',
  'usedClickToCancel',
  'clickToCancelEnabled',
  'pauseCooldownApplied',
  'autoOptimizationUsed',
  'strictFTCComplianceEnabled',
] as const;

/** Customer keys likewise. */
export const NEW_CUSTOMER_KEYS = [
  'paused',
  'pauseEnd',
  'onTrial',
  'trialStart',
  'trialEnd',
  'customAttributes',
  'subscriptionDiscount',
  'latestDiscountExpiration',
] as const;

/** One `stepsViewed` entry. */
export interface StepJson {
  guid: string;
  stepType: string;
  start: string;
  end: string;
  duration: number;
  numChoices: number | null;
}

/** A `presentedOffers` entry, as far as the rules read it. */
export interface PresentedJson {
  guid: string;
  accepted: boolean;
  offerType: string;
  discountConfig?: { couponId: string; customAmount: number | null; customDuration: string | null };
}

/** A listed session, as far as the rules read it (the contract checks the rest). */
export interface SessionJson {
  _id: string;
  aborted: boolean;
  canceled: boolean;
  trial: boolean;
  feedback: string | null;
  surveyChoiceId: string | null;
  discountCooldownApplied: boolean;
  recordingStartTime: string;
  recordingEndTime: string;
  acceptedOffer: {
    guid: string;
    offerType: string;
    couponId?: string;
    couponAmount?: number;
    autoOptimize: boolean;
  } | null;
  presentedOffers: PresentedJson[];
  customer: {
    id: string;
    paused: boolean;
    pauseEnd: string | null;
    onTrial: boolean;
    trialStart: string | null;
    trialEnd: string | null;
    subscriptionDiscount: { id: string } | null;
    latestDiscountExpiration: string | null;
  };
  lang: string;
  uiLang: string;
  contentLang: string;
  displayLang: string;
  detectedLang: string;
  overriddenLang: string | null;
  langMismatch: boolean;
  translationType: string;
  region: {
    clickToCancel: boolean;
    matchedRegionCode: string;
    strictFTCCompliance: boolean;
  };
  saveType: string | null;
  stepsViewed: StepJson[];
  followupQuestion: string | null;
  followupResponse: string | null;
  feedbackAnalysis: { sessionId: string; response: string; timestamp: string } | null;
  sentimentScores: Record<string, Record<string, number>> | null;
  usedClickToCancel: boolean;
  clickToCancelEnabled: boolean;
  pauseCooldownApplied: boolean;
  autoOptimizationUsed: boolean;
  strictFTCComplianceEnabled: boolean;
}

type Obj = Record<string, unknown>;

/** The session without the new fields: what it was before they were added. */
export function withoutNewFields(j: Obj): Obj {
  const out: Obj = { ...j };
  for (const k of NEW_SESSION_KEYS) delete out[k];
  const customer: Obj = { ...(j.customer as Obj) };
  for (const k of NEW_CUSTOMER_KEYS) delete customer[k];
  out.customer = customer;
  if (j.acceptedOffer) {
    const { autoOptimize: _, ...rest } = j.acceptedOffer as Obj;
    out.acceptedOffer = rest;
  }
  out.presentedOffers = (j.presentedOffers as Obj[]).map((p) => {
    if (!p.discountConfig) return p;
    const { customAmount: _a, customDuration: _d, ...config } = p.discountConfig as Obj;
    return { ...p, discountConfig: config };
  });
  return out;
}

const DAY = 86_400_000;
const FLOW_LANGS = ['en', 'es', 'fr', 'de', 'it', 'pt'];
const BCP47 = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const primary = (tag: string) => tag.split('-')[0] ?? '';
const ms = (t: string | null) => (t === null ? null : Date.parse(t));

/** Every rule the session breaks, as readable strings (none: an empty array). */
export function sessionProblems(j: SessionJson, surveyChoices: number): string[] {
  const bad: string[] = [];
  const rule = (ok: boolean, what: string) => {
    if (!ok) bad.push(`${j._id}: ${what}`);
  };
  const c = j.customer;
  for (const k of NEW_SESSION_KEYS) rule(k in j, `has ${k}`);
  for (const k of NEW_CUSTOMER_KEYS) rule(k in c, `has customer.${k}`);
  const start = Date.parse(j.recordingStartTime);
  const end = Date.parse(j.recordingEndTime);
  const presented = j.presentedOffers;

  // saveType is what the saveType filter and breakdown compare with.
  rule(
    j.saveType === (j.aborted ? 'ABANDON' : (j.acceptedOffer?.offerType ?? null)),
    'saveType follows aborted/acceptedOffer',
  );

  // Languages.
  for (const k of ['lang', 'uiLang', 'contentLang', 'displayLang', 'detectedLang'] as const)
    rule(BCP47.test(j[k]), `${k} is a BCP 47 tag`);
  rule(j.lang === j.displayLang && j.uiLang === j.displayLang, 'lang = uiLang = displayLang');
  const base = primary(j.detectedLang);
  const shown = j.overriddenLang ?? (FLOW_LANGS.includes(base) ? base : j.contentLang);
  rule(j.displayLang === shown, 'displayLang from overriddenLang / detectedLang');
  rule(j.langMismatch === (base !== j.displayLang), 'langMismatch = detected ≠ displayed');
  rule(
    (j.translationType === 'NONE') === (j.displayLang === j.contentLang),
    'translationType NONE exactly when no translation is shown',
  );

  // Region rules.
  rule(j.clickToCancelEnabled === j.region.clickToCancel, 'clickToCancelEnabled = region');
  rule(j.strictFTCComplianceEnabled === j.region.strictFTCCompliance, 'strictFTC = region');
  rule(!j.usedClickToCancel || (j.clickToCancelEnabled && j.canceled), 'click-to-cancel used');

  // Steps viewed follow the presented offers, within the recording.
  const steps = j.stepsViewed;
  const offerSteps = steps.filter((v) => v.stepType === 'OFFER').map((v) => v.guid);
  rule(
    JSON.stringify(offerSteps) === JSON.stringify(presented.map((p) => p.guid)),
    'OFFER steps are the presented offers, in order',
  );
  let previous = start;
  for (const v of steps) {
    const a = Date.parse(v.start);
    const b = Date.parse(v.end);
    rule(start <= a && a <= b && b <= end, `step ${v.stepType} within the recording`);
    rule(v.duration === b - a, `step ${v.stepType} duration = end - start`);
    rule(a >= previous, `step ${v.stepType} starts after the previous one`);
    previous = a;
    rule(
      v.numChoices === (v.stepType === 'SURVEY' ? surveyChoices : null),
      `step ${v.stepType} numChoices`,
    );
  }
  const has = (type: string) => steps.some((v) => v.stepType === type);
  rule(has('SURVEY') === (j.surveyChoiceId !== null), 'SURVEY step exactly when answered');
  rule(has('FREEFORM') === (j.feedback !== null), 'FREEFORM step exactly with feedback');
  rule(
    has('CONFIRM') === (j.canceled && !j.usedClickToCancel),
    'CONFIRM step exactly for a cancel without click-to-cancel',
  );

  // Cooldowns and the customer's pause and discount history.
  const pauseEnd = ms(c.pauseEnd);
  const pausedRecently = pauseEnd !== null && start - pauseEnd < 90 * DAY;
  const offersPause = presented.some((p) => p.offerType === 'PAUSE');
  rule(j.pauseCooldownApplied === (pausedRecently && !offersPause), 'pauseCooldownApplied');
  rule(c.paused === (pauseEnd !== null && pauseEnd > start), 'paused = pause still runs');
  const expires = ms(c.latestDiscountExpiration);
  rule(
    j.discountCooldownApplied === (expires !== null && Math.abs(expires - start) < 90 * DAY),
    'discountCooldownApplied = a discount ended or ends within 90 days',
  );
  rule(
    (c.subscriptionDiscount !== null) === (expires !== null && expires > start),
    'subscriptionDiscount = a discount still runs',
  );

  // Trial.
  rule(c.onTrial === j.trial, 'onTrial = trial');
  rule((c.trialStart === null) === (c.trialEnd === null), 'trialStart and trialEnd together');
  if (c.onTrial)
    rule(
      (ms(c.trialStart) ?? Number.POSITIVE_INFINITY) <= start && start < (ms(c.trialEnd) ?? 0),
      'trialing at recording start',
    );

  // Auto-optimization and the accepted offer's coupon.
  const discounts = presented.filter((p) => p.offerType === 'DISCOUNT');
  for (const p of discounts)
    rule(
      (p.discountConfig?.customAmount !== null) === j.autoOptimizationUsed &&
        (p.discountConfig?.customDuration !== null) === j.autoOptimizationUsed,
      'custom discount terms exactly when auto-optimized',
    );
  rule(!j.autoOptimizationUsed || discounts.length > 0, 'auto-optimized only with a discount');
  const accepted = j.acceptedOffer;
  if (accepted) {
    rule(
      accepted.autoOptimize === (j.autoOptimizationUsed && accepted.offerType === 'DISCOUNT'),
      'acceptedOffer.autoOptimize',
    );
    const shownAccepted = presented.find((p) => p.accepted);
    rule(shownAccepted?.guid === accepted.guid, 'the accepted offer was presented');
    if (accepted.offerType === 'DISCOUNT') {
      const config = shownAccepted?.discountConfig;
      rule(config?.couponId === accepted.couponId, 'accepted couponId = presented couponId');
      if (config?.customAmount !== null)
        rule(config?.customAmount === accepted.couponAmount, 'customAmount = couponAmount');
    }
  }

  // Feedback analysis.
  const fa = j.feedbackAnalysis;
  rule((fa !== null) === (j.feedback !== null), 'feedbackAnalysis exactly with feedback');
  rule((j.sentimentScores !== null) === (j.feedback !== null), 'sentimentScores with feedback');
  if (fa) {
    rule(fa.sessionId === j._id && fa.response === j.feedback, 'feedbackAnalysis names it');
    const t = Date.parse(fa.timestamp);
    rule(start <= t && t <= end, 'feedbackAnalysis.timestamp within the session');
  }
  rule(j.followupResponse === null || j.followupQuestion !== null, 'no answer without question');
  rule(j.followupQuestion === null || j.feedback !== null, 'follow-up only after feedback');
  return bad;
}
