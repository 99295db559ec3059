import { flatAscii, Rng, stripeId, Weighted } from './random.ts';
import { DATA_START, DAY, type Interval, MINUTE, SECOND } from './time.ts';

export type Currency = 'usd' | 'eur' | 'gbp' | 'cad';

/** A billing plan; `prices` are per billing period, in the currency's minor unit (cents). */
export interface Plan {
  readonly id: string;
  readonly tier: 'starter' | 'creator' | 'pro' | 'business';
  readonly interval: Interval;
  readonly intervalCount: number;
  readonly prices: Readonly<Record<Currency, number>>;
}

/** One subscription of the shared population; every vendor module draws on these. */
export interface Subscription {
  readonly id: string;
  readonly plan: Plan;
  readonly currency: Currency;
  readonly quantity: number;
  readonly start: number;
  /** End of the free trial, or null when the subscription started paid. */
  readonly trialEnd: number | null;
}

/** A person in the shared population. */
export interface Customer {
  readonly index: number;
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly created: number;
  readonly subscription: Subscription;
}

export interface World {
  readonly seed: number;
  readonly asOf: number;
  readonly scale: number;
  readonly plans: readonly Plan[];
  readonly customers: readonly Customer[];
}

export interface WorldOptions {
  seed: number;
  asOf: number;
  scale: number;
}

/** Customers per unit of scale. */
export const CUSTOMERS_PER_SCALE = 7500;

const FX: Record<Currency, number> = { usd: 1, eur: 0.92, gbp: 0.79, cad: 1.36 };

function plan(
  id: string,
  tier: Plan['tier'],
  interval: Interval,
  count: number,
  usd: number,
): Plan {
  const prices = {} as Record<Currency, number>;
  for (const c of Object.keys(FX) as Currency[])
    prices[c] = Math.round((usd * FX[c]) / 100) * 100 - 1;
  prices.usd = usd;
  return { id, tier, interval, intervalCount: count, prices };
}

/**
 * The fixed plan catalogue: weekly, monthly, quarterly and yearly plans over four tiers. Pro
 * monthly is $49, the ChurnCut API docs' example subscription (Get customer: plan pro, amount
 * 4900 usd); the other Pro plans are priced around it.
 */
export const PLANS: readonly Plan[] = [
  plan('starter_weekly', 'starter', 'WEEK', 1, 299),
  plan('starter_monthly', 'starter', 'MONTH', 1, 900),
  plan('creator_monthly', 'creator', 'MONTH', 1, 1299),
  plan('creator_yearly', 'creator', 'YEAR', 1, 12990),
  plan('pro_biweekly', 'pro', 'WEEK', 2, 2499),
  plan('pro_monthly', 'pro', 'MONTH', 1, 4900),
  plan('pro_quarterly', 'pro', 'MONTH', 3, 12900),
  plan('pro_yearly', 'pro', 'YEAR', 1, 49000),
  plan('business_monthly', 'business', 'MONTH', 1, 9900),
  plan('business_yearly', 'business', 'YEAR', 1, 99000),
];

const PLAN_WEIGHTS = [4, 14, 22, 8, 3, 18, 5, 7, 8, 3];
const PLAN_TABLE = new Weighted(PLANS.map((p, i) => [p, PLAN_WEIGHTS[i] ?? 1] as const));
const CURRENCY_TABLE = new Weighted<Currency>([
  ['usd', 70],
  ['eur', 15],
  ['gbp', 10],
  ['cad', 5],
]);
const TRIAL_DAYS = [7, 14, 30];
const SEPARATORS = ['.', '_', ''];

interface NamePools {
  first: readonly string[];
  last: readonly string[];
  domains: readonly string[];
}

/** Faker's own English name and e-mail lists, read once (faker.person.* costs ~5 µs a call). */
function namePools(r: Rng): NamePools {
  const person = r.faker.definitions.person;
  return {
    first: person.first_name?.generic ?? ['Jane'],
    last: person.last_name?.generic ?? ['Doe'],
    domains: r.faker.definitions.internet.free_email ?? ['example.com'],
  };
}

const emailParts = new Map<string, string>();
/** A name as it appears in an address: ASCII letters only (memoised: names repeat). */
const emailPart = (s: string): string => {
  let part = emailParts.get(s);
  if (part === undefined) {
    part = toEmailPart(s);
    emailParts.set(s, part);
  }
  return part;
};
const toEmailPart = (s: string): string =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

function makeCustomer(
  r: Rng,
  pools: NamePools,
  index: number,
  asOf: number,
  emails: Set<string>,
): Customer {
  const firstName = r.pick(pools.first);
  const lastName = r.pick(pools.last);
  const local = `${emailPart(firstName)}${r.pick(SEPARATORS)}${emailPart(lastName)}`;
  const domain = r.pick(pools.domains);
  let email = `${local}@${domain}`;
  for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
  email = flatAscii(email);
  emails.add(email);
  // Accounts open from a year before the data starts until two weeks before as-of.
  const created = r.int(DATA_START - 365 * DAY, asOf - 14 * DAY);
  const p = PLAN_TABLE.draw(r);
  const currency = CURRENCY_TABLE.draw(r);
  const start = created + r.int(5 * SECOND, 20 * MINUTE);
  const trialEnd = r.bool(0.3) ? start + r.pick(TRIAL_DAYS) * DAY : null;
  const quantity = p.tier === 'business' ? r.int(1, 12) : 1;
  return {
    index,
    id: stripeId(r, 'cus_'),
    email,
    name: `${firstName} ${lastName}`,
    created,
    subscription: { id: stripeId(r, 'sub_1M', 22), plan: p, currency, quantity, start, trialEnd },
  };
}

/** The shared seeded population: a pure function of (seed, asOf, scale). */
export function generateWorld({ seed, asOf, scale }: WorldOptions): World {
  const r = new Rng(seed);
  const count = Math.max(1, Math.round(CUSTOMERS_PER_SCALE * scale));
  const emails = new Set<string>();
  const pools = namePools(r);
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) customers.push(makeCustomer(r, pools, i, asOf, emails));
  return { seed, asOf, scale, plans: PLANS, customers };
}
