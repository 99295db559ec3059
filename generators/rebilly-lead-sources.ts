import { type Rng, Weighted } from './random.ts';
import type { Customer } from './world.ts';

/** The sub-fields of a Rebilly subscription's `leadSource` (docs/decisions/002). */
export const LEAD_SOURCE_KEYS = [
  'source',
  'medium',
  'campaign',
  'content',
  'term',
  'affiliate',
  'subAffiliate',
  'salesAgent',
] as const;
export type LeadSourceKey = (typeof LEAD_SOURCE_KEYS)[number];
/** A lead source as tracked: any sub-field may be missing, and often all are. */
export type LeadSource = Partial<Record<LeadSourceKey, string>>;

/** A marketing channel: its source/medium and how often it carries each other sub-field. */
interface Channel {
  readonly source: string;
  readonly medium: string;
  readonly campaign: number;
  readonly content: number;
  readonly term: number;
  readonly affiliate: number;
  readonly salesAgent: number;
  readonly themes: readonly string[];
  readonly contents: readonly string[];
}

const channel = (source: string, medium: string, c: Partial<Channel>): Channel => ({
  source,
  medium,
  campaign: 0,
  content: 0,
  term: 0,
  affiliate: 0,
  salesAgent: 0,
  themes: [],
  contents: [],
  ...c,
});

const SEARCH = ['brand-search', 'generic-search', 'competitor-search', 'retargeting'];
const SOCIAL = ['spring-sale', 'black-friday', 'creator-stories', 'lookalike', 'retargeting'];
const CREATIVES = ['carousel-1', 'video-15s', 'static-banner', 'ugc-testimonial'];
const PARTNER = ['partner-launch', 'coupon-week', 'black-friday'];
const GOOGLE_ADS = channel('google', 'cpc', {
  campaign: 0.95,
  content: 0.6,
  term: 0.85,
  themes: SEARCH,
  contents: ['ad-a', 'ad-b', 'responsive-search'],
});
const OUTBOUND = channel('linkedin', 'outbound', {
  salesAgent: 1,
  campaign: 0.3,
  themes: ['abm-enterprise', 'agency-outreach'],
});
const CHANNELS: readonly (readonly [Channel, number])[] = [
  [GOOGLE_ADS, 20],
  [channel('google', 'organic', {}), 16],
  [channel('bing', 'cpc', { campaign: 0.9, content: 0.3, term: 0.8, themes: SEARCH }), 3],
  [
    channel('facebook', 'paid-social', {
      campaign: 0.95,
      content: 0.8,
      themes: SOCIAL,
      contents: CREATIVES,
    }),
    12,
  ],
  [
    channel('instagram', 'paid-social', {
      campaign: 0.95,
      content: 0.8,
      themes: SOCIAL,
      contents: CREATIVES,
    }),
    5,
  ],
  [
    channel('youtube', 'video', {
      campaign: 0.9,
      content: 0.7,
      themes: SOCIAL,
      contents: ['preroll-6s', 'preroll-15s', 'tutorial-30s'],
    }),
    4,
  ],
  [
    channel('newsletter', 'email', {
      campaign: 0.9,
      content: 0.5,
      themes: ['onboarding', 'winback', 'product-update', 'black-friday'],
      contents: ['hero-cta', 'footer-link'],
    }),
    8,
  ],
  [channel('partnerstack', 'affiliate', { affiliate: 1, campaign: 0.4, themes: PARTNER }), 6],
  [channel('impact', 'affiliate', { affiliate: 1, campaign: 0.4, themes: PARTNER }), 4],
  [
    channel('referral', 'referral', {
      content: 0.6,
      contents: ['producthunt', 'g2', 'capterra', 'reddit', 'blog-post'],
    }),
    6,
  ],
  [OUTBOUND, 4],
];
const ANY = new Weighted(CHANNELS);
// Business plans are mostly sold by the sales team.
const BUSINESS = new Weighted<Channel>([...CHANNELS, [OUTBOUND, 40]]);
const TERMS = [
  'video editor',
  'online video maker',
  'screen recorder',
  'youtube intro maker',
  'add subtitles to video',
  'video editing software',
  'churnmock',
  'churnmock pricing',
];
const SUB_AFFILIATES = ['blog', 'youtube', 'newsletter', 'coupon', 'review', 'tiktok'];
const AFFILIATES = 40;
/** Share of subscriptions with no lead source at all (direct or untracked sign-ups). */
const UNTRACKED = 0.25;
/** Share of tracked ones that lost their medium (a link without utm_medium). */
const NO_MEDIUM = 0.06;

const interned = new Map<string, string[]>();
/** `theme-YYYY` for the UTC year a subscription started, interned: a million are built. */
function campaign(theme: string, start: number): string {
  let year = 1970 + Math.floor(start / 31_556_952_000);
  if (start < Date.UTC(year, 0, 1)) year--;
  else if (start >= Date.UTC(year + 1, 0, 1)) year++;
  const byYear = interned.get(theme) ?? [];
  if (byYear.length === 0) interned.set(theme, byYear);
  byYear[year - 1970] ??= `${theme}-${year}`;
  return byYear[year - 1970] as string;
}

/** A dozen sales agents' names, drawn once from faker's name lists. */
export function makeAgents(r: Rng): string[] {
  const person = r.faker.definitions.person;
  const first = person.first_name?.generic ?? ['Jane'];
  const last = person.last_name?.generic ?? ['Doe'];
  return Array.from({ length: 12 }, () => `${r.pick(first)} ${r.pick(last)}`);
}

/** The lead source of a customer's subscription; fields are left out as real tracking does. */
export function leadSourceOf(r: Rng, c: Customer, agents: readonly string[]): LeadSource {
  if (r.bool(UNTRACKED)) return {};
  const ch = (c.subscription.plan.tier === 'business' ? BUSINESS : ANY).draw(r);
  const lead: LeadSource = { source: ch.source };
  if (!r.bool(NO_MEDIUM)) lead.medium = ch.medium;
  if (r.bool(ch.campaign)) lead.campaign = campaign(r.pick(ch.themes), c.subscription.start);
  if (r.bool(ch.content)) lead.content = r.pick(ch.contents);
  if (r.bool(ch.term)) lead.term = r.pick(TERMS);
  if (r.bool(ch.affiliate)) {
    // A few affiliates bring most sign-ups.
    const affiliate = `aff_${1001 + Math.floor(r.float() ** 2 * AFFILIATES)}`;
    lead.affiliate = affiliate;
    if (r.bool(0.7)) lead.subAffiliate = `${affiliate}-${r.pick(SUB_AFFILIATES)}`;
  }
  if (r.bool(ch.salesAgent)) lead.salesAgent = r.pick(agents);
  return lead;
}
