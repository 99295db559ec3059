import type { PresentedStep } from '../../../generators/churnkey-data.ts';
import {
  type Blueprint,
  CONFIG_KEYS,
  type OfferDef,
  type SurveyChoice,
} from '../../../generators/churnkey-flows.ts';
import { DAY } from '../../../generators/time.ts';
import type { Customer } from '../../../generators/world.ts';
import { derivedGuid, derivedObjectId, type FlowDefinition, type StepDef } from './definition.ts';
import { type Attributes, allMatch } from './targeting.ts';

/** A step ready to show: its definition and the offer as sessions record it. */
export interface FlowStep {
  readonly def: StepDef;
  readonly offer: OfferDef;
}

/** A definition turned into what sessions are built from. */
export interface CompiledFlow {
  readonly definition: FlowDefinition;
  readonly blueprint: Blueprint;
  readonly steps: readonly FlowStep[];
  readonly choices: readonly SurveyChoice[];
  readonly mode: 'LIVE' | 'TEST';
}

function offerDef(blueprintId: string, step: StepDef): OfferDef {
  const { type, ...config } = step.offer;
  const base = { guid: derivedGuid(blueprintId, step.id), offerType: type, surveyOffer: false };
  if (step.offer.type !== 'DISCOUNT') return { ...base, configKey: CONFIG_KEYS[type], config };
  const o = step.offer;
  return {
    ...base,
    configKey: CONFIG_KEYS[type],
    config: { couponId: o.couponId },
    coupon: {
      id: o.couponId,
      type: o.couponType,
      amount: o.couponAmount,
      duration: o.couponDuration,
    },
  };
}

/**
 * Compiles a definition. Ids not given are derived from its content (a changed flow is a new
 * blueprint, as publishing one is in Churnkey); survey choices reuse the seeded choice ids
 * where the wording matches, so aggregations group new and seeded sessions together.
 */
export function compileFlow(
  def: FlowDefinition,
  seeded: { readonly choices: readonly SurveyChoice[]; readonly segmentId: string },
): CompiledFlow {
  const blueprintId = def.blueprintId ?? derivedObjectId('blueprint', JSON.stringify(def));
  const steps = def.steps.map((s) => ({ def: s, offer: offerDef(blueprintId, s) }));
  const choices = def.survey.choices.map(
    (value) =>
      seeded.choices.find((c) => c.value === value) ?? {
        id: derivedObjectId('choice', value),
        value,
      },
  );
  const first = steps[0] as FlowStep;
  return {
    definition: def,
    blueprint: {
      id: blueprintId,
      segmentId: def.segmentId ?? seeded.segmentId,
      abtest: null,
      publishedAt: 0,
      surveyId: def.survey.id ?? derivedObjectId('survey', blueprintId),
      surveyChoiceCount: choices.length,
      firstOffer: first.offer,
      surveyOffers: new Map(),
    },
    steps,
    choices,
    mode: def.mode ?? 'LIVE',
  };
}

/** The steps a customer with `attrs` sees, in order (targeting, skip rules, exclusive steps). */
export function stepsFor(flow: CompiledFlow, attrs: Attributes): FlowStep[] {
  const shown: FlowStep[] = [];
  for (const step of flow.steps) {
    const { conditions = [], skipWhen = [] } = step.def;
    if (!allMatch(conditions, attrs)) continue;
    if (skipWhen.length && allMatch(skipWhen, attrs)) continue;
    shown.push(step);
    if (step.def.exclusive) break;
  }
  return shown;
}

/**
 * Whole calendar months from `from` to `to` (UTC), by day of month alone. Not date-fns'
 * `differenceInMonths`, which answers otherwise at month ends (Jan 31 to Feb 28: 1, not 0)
 * and by time of day (Jan 15 12:00 to Feb 15 06:00: 0, not 1), changing the attribute.
 */
function monthsBetween(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  let m = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  if (b.getUTCDate() < a.getUTCDate()) m--;
  return Math.max(0, m);
}

/** Attributes Churnkey knows from the billing provider, under `subscription.*`, at `now`. */
export function builtInAttributes(c: Customer, now: number): Attributes {
  const s = c.subscription;
  return {
    'subscription.plan': s.plan.tier,
    'subscription.planId': s.plan.id,
    'subscription.billingInterval': s.plan.interval,
    'subscription.price': s.plan.prices[s.currency],
    'subscription.currency': s.currency,
    'subscription.start': new Date(s.start).toISOString(),
    'subscription.ageDays': Math.max(0, Math.floor((now - s.start) / DAY)),
    'subscription.ageMonths': monthsBetween(s.start, now),
    trial: s.trialEnd !== null && now < s.trialEnd,
  };
}

export type { PresentedStep };
