import { hex, objectId, type Rng, uuid } from './random.ts';
import { DATA_START, DAY } from './time.ts';

export type OfferType =
  | 'PAUSE'
  | 'DISCOUNT'
  | 'CONTACT'
  | 'PLAN_CHANGE'
  | 'REDIRECT'
  | 'TRIAL_EXTENSION';
export const OFFER_TYPES: readonly OfferType[] = [
  'PAUSE',
  'DISCOUNT',
  'CONTACT',
  'PLAN_CHANGE',
  'REDIRECT',
  'TRIAL_EXTENSION',
];

/** A coupon as Churnkey reports it on an accepted DISCOUNT offer. */
export interface Coupon {
  readonly id: string;
  readonly type: 'PERCENT' | 'AMOUNT';
  /** Percent off, or an amount off in cents. */
  readonly amount: number;
  /** Months the coupon lasts; null = forever. */
  readonly duration: number | null;
}

export const COUPONS: readonly Coupon[] = [
  { id: 'SAVE20_3MO', type: 'PERCENT', amount: 20, duration: 3 },
  { id: 'SAVE30_6MO', type: 'PERCENT', amount: 30, duration: 6 },
  { id: 'HALF_OFF_1MO', type: 'PERCENT', amount: 50, duration: 1 },
  { id: 'STAY25_12MO', type: 'PERCENT', amount: 25, duration: 12 },
  { id: 'FIVE_OFF_FOREVER', type: 'AMOUNT', amount: 500, duration: null },
];

/** An offer as configured in a published cancel flow (blueprint). */
export interface OfferDef {
  readonly guid: string;
  readonly offerType: OfferType;
  readonly surveyOffer: boolean;
  /** The config object exactly as the session's presentedOffers entry shows it. */
  readonly configKey: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly coupon?: Coupon;
}

export interface SurveyChoice {
  readonly id: string;
  readonly value: string;
}

/** A published version of a cancel flow, for one segment, possibly one arm of an A/B test. */
export interface Blueprint {
  readonly id: string;
  readonly segmentId: string;
  readonly abtest: string | null;
  readonly publishedAt: number;
  readonly surveyId: string;
  /** How many answers the survey offers (a session's `stepsViewed` reports it). */
  readonly surveyChoiceCount: number;
  /** Offered before the survey (PAUSE, or TRIAL_EXTENSION for trialing customers). */
  readonly firstOffer: OfferDef;
  /** Offer shown after a survey answer, by choice id. */
  readonly surveyOffers: ReadonlyMap<string, OfferDef>;
}

export type SegmentName = 'default' | 'annual' | 'trial';

export interface FlowCatalogue {
  readonly org: string;
  readonly segments: Readonly<Record<SegmentName, string>>;
  readonly choices: readonly SurveyChoice[];
  /** Blueprints per segment, oldest first. */
  readonly blueprints: Readonly<Record<SegmentName, readonly Blueprint[]>>;
  readonly abtests: readonly { id: string; segment: SegmentName; from: number; to: number }[];
}

/** Survey answers with the free-text feedback customers typically leave for each. */
export const SURVEY: readonly { value: string; weight: number; feedback: readonly string[] }[] = [
  {
    value: "Doesn't Fit My Budget",
    weight: 30,
    feedback: [
      'Money is tight this quarter.',
      'Too pricey for how often I use it.',
      'I lost a client and need to cut costs.',
      'Would come back if there was a cheaper plan.',
    ],
  },
  {
    value: 'Missing Features',
    weight: 18,
    feedback: [
      'I want to be able to add animations to the video',
      'No integration with our CRM.',
      'Needs team permissions.',
      'The export options are too limited.',
    ],
  },
  {
    value: 'Technical Issues',
    weight: 12,
    feedback: [
      'The editor keeps crashing on large files.',
      'Sync has been unreliable for weeks.',
      'Too slow on my laptop.',
    ],
  },
  {
    value: 'Stopped Creating',
    weight: 20,
    feedback: [
      'Taking a break for the summer.',
      'Finished my project.',
      'Not posting much anymore.',
    ],
  },
  {
    value: 'Switching to Another Tool',
    weight: 10,
    feedback: ['Our team standardised on another tool.', 'Found something simpler.'],
  },
  { value: 'Too Complicated', weight: 6, feedback: ['Hard to learn.', 'Too many settings.'] },
  { value: 'Other', weight: 4, feedback: ['Personal reasons.', 'Moving abroad.'] },
];

/** The key under which a presented offer carries its config (Data API docs, List Sessions). */
export const CONFIG_KEYS: Readonly<Record<OfferType, string>> = {
  PAUSE: 'pauseConfig',
  DISCOUNT: 'discountConfig',
  CONTACT: 'contactConfig',
  PLAN_CHANGE: 'planChangeConfig',
  REDIRECT: 'redirectConfig',
  TRIAL_EXTENSION: 'trialExtensionConfig',
};

function offer(
  r: Rng,
  offerType: OfferType,
  surveyOffer: boolean,
  extra: Partial<OfferDef> & { config: Record<string, unknown> },
): OfferDef {
  const configKey = CONFIG_KEYS[offerType];
  return { guid: uuid(r), offerType, surveyOffer, configKey, ...extra };
}

const discount = (r: Rng, coupon: Coupon): OfferDef =>
  offer(r, 'DISCOUNT', true, { config: { couponId: coupon.id }, coupon });

function makeBlueprint(
  r: Rng,
  segment: SegmentName,
  segmentId: string,
  version: number,
  publishedAt: number,
  abtest: string | null,
  choices: readonly SurveyChoice[],
): Blueprint {
  const first =
    segment === 'trial'
      ? offer(r, 'TRIAL_EXTENSION', false, { config: { trialExtensionDays: r.pick([7, 14]) } })
      : offer(r, 'PAUSE', false, {
          config: { maxPauseLength: r.int(1, 3), pauseInterval: r.bool(0.85) ? 'MONTH' : 'WEEK' },
        });
  const byValue: Record<string, OfferDef | undefined> = {
    "Doesn't Fit My Budget":
      version % 2 === 1 && segment !== 'trial'
        ? offer(r, 'PLAN_CHANGE', true, {
            config: { planIds: ['starter_monthly', 'creator_monthly'] },
          })
        : discount(r, r.pick(COUPONS)),
    'Missing Features':
      version % 2 === 0
        ? offer(r, 'CONTACT', true, { config: {} })
        : offer(r, 'REDIRECT', true, {
            config: {
              redirectUrl: 'https://example.com/roadmap',
              redirectLabel: 'See our roadmap',
            },
          }),
    'Technical Issues': offer(r, 'CONTACT', true, { config: {} }),
    'Stopped Creating': offer(r, 'PAUSE', true, {
      config: { maxPauseLength: 3, pauseInterval: 'MONTH' },
    }),
    'Switching to Another Tool': discount(r, r.pick(COUPONS)),
    'Too Complicated': offer(r, 'REDIRECT', true, {
      config: {
        redirectUrl: 'https://example.com/help/getting-started',
        redirectLabel: 'Get help',
      },
    }),
  };
  const surveyOffers = new Map<string, OfferDef>();
  for (const c of choices) {
    const o = byValue[c.value];
    if (o) surveyOffers.set(c.id, o);
  }
  return {
    id: objectId(r, publishedAt),
    segmentId,
    abtest,
    publishedAt,
    surveyId: objectId(r, publishedAt),
    surveyChoiceCount: choices.length,
    firstOffer: first,
    surveyOffers,
  };
}

const VERSION_DATES = ['2021-12-01', '2022-09-15', '2023-06-01', '2024-03-10', '2025-01-20'].map(
  (d) => Date.parse(d),
);

/** The organisation's cancel flows: segments, blueprint versions and two A/B tests. */
export function generateFlows(r: Rng): FlowCatalogue {
  const org = objectId(r, DATA_START - 400 * DAY);
  const segments = {
    default: objectId(r, DATA_START),
    annual: objectId(r, DATA_START),
    trial: objectId(r, DATA_START),
  };
  const choices = SURVEY.map((s) => ({ id: hex(r, 24), value: s.value }));
  const abtests = [
    {
      id: uuid(r),
      segment: 'default' as const,
      from: Date.parse('2023-02-01'),
      to: Date.parse('2023-08-01'),
    },
    {
      id: uuid(r),
      segment: 'annual' as const,
      from: Date.parse('2024-09-01'),
      to: Date.parse('2025-03-01'),
    },
  ];
  const blueprints = {} as Record<SegmentName, Blueprint[]>;
  for (const segment of ['default', 'annual', 'trial'] as const) {
    const list: Blueprint[] = [];
    VERSION_DATES.forEach((at, v) => {
      list.push(makeBlueprint(r, segment, segments[segment], v, at, null, choices));
    });
    for (const t of abtests.filter((a) => a.segment === segment)) {
      // Both arms of a test are blueprints published when the test starts.
      list.push(makeBlueprint(r, segment, segments[segment], 0, t.from, t.id, choices));
      list.push(makeBlueprint(r, segment, segments[segment], 1, t.from + 1, t.id, choices));
    }
    list.sort((a, b) => a.publishedAt - b.publishedAt);
    blueprints[segment] = list;
  }
  return { org, segments, choices, blueprints, abtests };
}

/** The blueprint a customer in `segment` sees at time `t` (an A/B arm while a test runs). */
export function blueprintAt(
  flows: FlowCatalogue,
  segment: SegmentName,
  t: number,
  r: Rng,
): Blueprint {
  const test = flows.abtests.find((a) => a.segment === segment && a.from <= t && t < a.to);
  const list = flows.blueprints[segment];
  if (test) {
    const arms = list.filter((b) => b.abtest === test.id);
    return r.pick(arms);
  }
  let current = list[0] as Blueprint;
  for (const b of list) if (b.abtest === null && b.publishedAt <= t) current = b;
  return current;
}
