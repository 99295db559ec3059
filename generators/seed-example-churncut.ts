import { type ChurnCutDataset, FACTOR_TYPES, type FactorType, MAX_FACTORS } from './churncut.ts';
import { OUTCOMES } from './churncut-flows.ts';
import { OFFER_TYPES, REASONS } from './churncut-offers.ts';
import type { Customer } from './world.ts';

/**
 * The ChurnCut API docs' example values for `cus_abc123` (Get customer, List customers) and
 * `flow_123456` (Get flow status, Start cancellation flow's body), exactly as the document
 * shows them. The seeded example customer carries every one of them.
 */
export const CHURNCUT_EXAMPLE = {
  email: 'customer@example.com',
  /** churn_probability 0.85, in hundredths. */
  probability: 85,
  /** Get customer's factors, heaviest first, weights in hundredths (0.4 + 0.3 + 0.15). */
  factors: [
    ['low_engagement', 40],
    ['support_tickets', 30],
    ['payment_failures', 15],
  ] as const satisfies readonly (readonly [FactorType, number])[],
  created: Date.parse('2024-01-15T10:30:00Z'),
  flow: {
    /** The history entry's date: when the flow started. */
    created: Date.parse('2024-01-20T14:30:00Z'),
    completed: Date.parse('2024-01-20T15:45:00Z'),
    reason: 'too_expensive',
    /** offer_accepted: 50 % off for 3 months. */
    value: 50,
    months: 3,
  },
} as const;

/** Which customer and which seeded ChurnCut flow play the ChurnCut API docs' example. */
export interface SeedExample {
  readonly customer: number;
  readonly flow: number;
}

const DISCOUNT = OFFER_TYPES.indexOf('discount');
const RETAINED = OUTCOMES.indexOf('retained');

/**
 * The customer most like the ChurnCut API docs' example, whose data can take the example's
 * values without contradicting what other vendors drew for it: high risk (≥ 70), Pro, billed in
 * USD, no trial, exactly one cancellation flow (the example's history has one entry), retained
 * with a discount, and created no earlier than the example's `created_at` (so moving the creation
 * back to it leaves every record drawn for the customer after it). Billed monthly wins, then the
 * creation closest to the example's, then the lowest index. Null when the world has none (small
 * scales). Pure: reads the data, changes nothing.
 */
export function findSeedExample(data: ChurnCutDataset): SeedExample | null {
  const { world, probability, flows } = data;
  let best: SeedExample | null = null;
  let bestKey: readonly [number, number] = [-1, 0];
  for (let i = 0; i < world.customers.length; i++) {
    const c = world.customers[i] as Customer;
    const k = flows.start[i] as number;
    if ((flows.start[i + 1] as number) !== k + 1 || (probability[i] as number) < 70) continue;
    const s = c.subscription;
    if (s.plan.tier !== 'pro' || s.currency !== 'usd' || s.trialEnd !== null) continue;
    if (c.created < CHURNCUT_EXAMPLE.created) continue;
    if (flows.outcome[k] !== RETAINED || flows.offerType[k] !== DISCOUNT) continue;
    const monthly = s.plan.interval === 'MONTH' && s.plan.intervalCount === 1 ? 1 : 0;
    const better = monthly > bestKey[0] || (monthly === bestKey[0] && c.created < bestKey[1]);
    if (best === null || better) {
      best = { customer: i, flow: k };
      bestKey = [monthly, c.created];
    }
  }
  return best;
}

/** Customer `c` with the example's e-mail and creation time; its subscription starts as late after it. */
export function asExampleCustomer(c: Customer): Customer {
  const { created } = CHURNCUT_EXAMPLE;
  const s = c.subscription;
  return {
    ...c,
    email: CHURNCUT_EXAMPLE.email,
    created,
    subscription: { ...s, start: created + (s.start - c.created) },
  };
}

/**
 * `order` (created desc, then id asc) with customer `i` moved to where its new creation time
 * puts it, given `customers` as they now are (one pass, no full sort).
 */
function reordered(order: Int32Array, customers: readonly Customer[], i: number): Int32Array {
  const before = (a: Customer, b: Customer) =>
    a.created > b.created || (a.created === b.created && a.id < b.id);
  const me = customers[i] as Customer;
  const rest = order.filter((j) => j !== i);
  let lo = 0;
  let hi = rest.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(customers[rest[mid] as number] as Customer, me)) lo = mid + 1;
    else hi = mid;
  }
  const out = new Int32Array(order.length);
  out.set(rest.subarray(0, lo));
  out[lo] = i;
  out.set(rest.subarray(lo), lo + 1);
  return out;
}

/**
 * ChurnCut's data with the example's values: the customer's churn probability and factors, and
 * its one flow as `flow_123456` (started, completed, reason, offer), the list order following
 * the new creation time. `customers` is the world the data is shown over (example customer
 * included). The drawn arrays are copied, never changed.
 */
export function withChurnCutExample(
  drawn: ChurnCutDataset,
  customers: readonly Customer[],
  example: SeedExample,
): Omit<ChurnCutDataset, 'world'> {
  const { customer: i, flow: k } = example;
  const x = CHURNCUT_EXAMPLE;
  const probability = drawn.probability.slice();
  probability[i] = x.probability;
  const factorTypes = drawn.factorTypes.slice();
  const factorWeights = drawn.factorWeights.slice();
  for (let j = 0; j < MAX_FACTORS; j++) {
    const f = x.factors[j];
    factorTypes[i * MAX_FACTORS + j] = f ? FACTOR_TYPES.indexOf(f[0]) + 1 : 0;
    factorWeights[i * MAX_FACTORS + j] = f ? f[1] : 0;
  }
  const f = drawn.flows;
  const set = <A extends Float64Array | Uint8Array>(a: A, v: number): A => {
    const copy = a.slice() as A;
    copy[k] = v;
    return copy;
  };
  const flows = {
    ...f,
    created: set(f.created, x.flow.created),
    finished: set(f.finished, x.flow.completed),
    reason: set(f.reason, REASONS.indexOf(x.flow.reason)),
    offerA: set(f.offerA, x.flow.value),
    offerB: set(f.offerB, x.flow.months),
  };
  return {
    probability,
    factorTypes,
    factorWeights,
    flows,
    order: reordered(drawn.order, customers, i),
    exampleFlow: k,
  };
}
