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

/** A name as it appears in an address: ASCII letters only. */
const emailPart = (s: string): string =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** Distinct address parts of `names`, and each name's number among them (`of`). */
function partNumbers(names: readonly string[], part: (s: string) => string) {
  const numbers = new Map<string, number>();
  const of = new Uint32Array(names.length);
  const parts: string[] = [];
  names.forEach((name, i) => {
    const p = part(name);
    let n = numbers.get(p);
    if (n === undefined) {
      n = parts.length;
      numbers.set(p, n);
      parts.push(p);
    }
    of[i] = n;
  });
  return { of, parts };
}

/**
 * Unique e-mail addresses: `first.last@domain` (or `_`, or nothing, between the names), then
 * `first.last2@domain`, `first.last3@domain`… when the same address is drawn again. A name's
 * part has no digits, so `local` + n is no other local's address, and the n-th drawing of an
 * address gets n: the first free number, as a set of every address taken finds, without
 * hashing 750,000 strings into one (at scale 100 that set was 0.8 s of the world's 3.6).
 * Addresses with `.` or `_` are counted by their parts' numbers; those with nothing between by
 * their text (`anns` + `mith` is `ann` + `smith`).
 */
class Addresses {
  readonly #first: ReturnType<typeof partNumbers>;
  readonly #last: ReturnType<typeof partNumbers>;
  readonly #domains: ReturnType<typeof partNumbers>;
  /** Drawings so far of each address with a `.` or `_`, by its parts' numbers. */
  readonly #counts: Uint32Array;
  readonly #joined = new Map<string, number>();

  constructor(pools: NamePools) {
    this.#first = partNumbers(pools.first, emailPart);
    this.#last = partNumbers(pools.last, emailPart);
    this.#domains = partNumbers(pools.domains, (d) => d);
    const f = this.#first.parts.length;
    this.#counts = new Uint32Array(2 * f * this.#last.parts.length * this.#domains.parts.length);
  }

  /** The next address of pool entries `first`, `last` and `domain`, SEPARATORS[`separator`]. */
  next(first: number, separator: number, last: number, domain: number): string {
    const f = this.#first.of[first] as number;
    const l = this.#last.of[last] as number;
    const d = this.#domains.of[domain] as number;
    const local = `${this.#first.parts[f]}${SEPARATORS[separator]}${this.#last.parts[l]}`;
    const at = `@${this.#domains.parts[d]}`;
    let n: number;
    if (separator < 2) {
      const key =
        ((separator * this.#first.parts.length + f) * this.#last.parts.length + l) *
          this.#domains.parts.length +
        d;
      n = (this.#counts[key] as number) + 1;
      this.#counts[key] = n;
    } else {
      const address = flatAscii(local + at);
      n = (this.#joined.get(address) ?? 0) + 1;
      this.#joined.set(address, n);
      if (n === 1) return address;
    }
    return flatAscii(n === 1 ? local + at : `${local}${n}${at}`);
  }
}

function makeCustomer(
  r: Rng,
  pools: NamePools,
  index: number,
  asOf: number,
  addresses: Addresses,
): Customer {
  const first = r.index(pools.first.length);
  const last = r.index(pools.last.length);
  const separator = r.index(SEPARATORS.length);
  const email = addresses.next(first, separator, last, r.index(pools.domains.length));
  const firstName = pools.first[first] as string;
  const lastName = pools.last[last] as string;
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
  const pools = namePools(r);
  const addresses = new Addresses(pools);
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) customers.push(makeCustomer(r, pools, i, asOf, addresses));
  return { seed, asOf, scale, plans: PLANS, customers };
}
