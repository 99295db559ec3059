import { generateSeededFlows, type SeededFlows } from './churncut-flows.ts';
import { deriveSeed, Rng } from './random.ts';
import { longLived, orderByValue, sortTies } from './typed-arrays.ts';
import type { Customer, World } from './world.ts';

/** Churn factor types; the ChurnCut API docs show the first three (Get customer). */
export const FACTOR_TYPES = [
  'low_engagement',
  'support_tickets',
  'payment_failures',
  'declining_usage',
  'price_sensitivity',
  'missing_features',
] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

/** Factors per customer, at most. */
export const MAX_FACTORS = 3;

/**
 * ChurnCut's view of the shared world in compact form: one slot per world customer (by
 * `Customer.index`) in typed arrays, so 750k customers cost a few megabytes. The mock builds
 * JSON from these per request.
 */
export interface ChurnCutDataset {
  readonly world: World;
  /** Churn probability in hundredths (0–99). */
  readonly probability: Uint8Array;
  /** `MAX_FACTORS` slots per customer: FACTOR_TYPES index + 1, 0 = empty; heaviest first. */
  readonly factorTypes: Uint8Array;
  /** Factor weights in hundredths; a customer's weights add up to their probability. */
  readonly factorWeights: Uint8Array;
  readonly flows: SeededFlows;
  /** Customer indices in list order: created desc, then id asc. */
  readonly order: Int32Array;
  /** The seeded flow shown as the docs' `flow_123456` (generators/seed-examples.ts), if any. */
  readonly exampleFlow?: number;
}

/** Risk level from a probability in hundredths: low < 40 ≤ medium < 70 ≤ high. */
export function riskOf(hundredths: number): 'low' | 'medium' | 'high' {
  return hundredths < 40 ? 'low' : hundredths < 70 ? 'medium' : 'high';
}

function drawFactors(r: Rng, i: number, p: number, types: Uint8Array, weights: Uint8Array): void {
  const k = Math.min(p, 1 + Math.floor(r.float() * MAX_FACTORS));
  if (k === 0) return;
  // Split p hundredths into k positive parts (k ≤ 3, so at most two cuts), heaviest first.
  let a = k > 1 ? r.int(1, p - 1) : p;
  let b = k > 2 ? r.int(1, p - 1) : p;
  while (k > 2 && b === a) b = r.int(1, p - 1);
  if (a > b) [a, b] = [b, a];
  const parts = k === 1 ? [p] : k === 2 ? [a, p - a] : [a, b - a, p - b];
  parts.sort((x, y) => y - x);
  // k distinct factor types, drawn without allocation beyond a bit mask.
  let used = 0;
  for (let j = 0; j < k; j++) {
    let t = r.int(0, FACTOR_TYPES.length - 1);
    while (used & (1 << t)) t = (t + 1) % FACTOR_TYPES.length;
    used |= 1 << t;
    types[i * MAX_FACTORS + j] = t + 1;
    weights[i * MAX_FACTORS + j] = parts[j] as number;
  }
}

/** Compares customer indices by created desc, then id asc (ChurnCut's list order). */
function compareListed(customers: readonly Customer[], created: Float64Array) {
  return (a: number, b: number): number => {
    const d = (created[b] as number) - (created[a] as number);
    if (d !== 0) return d;
    const x = (customers[a] as Customer).id;
    const y = (customers[b] as Customer).id;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * Customer indices in list order: created desc, then id asc. Sorted by age (from the newest
 * creation) with orderByValue (a comparator over 750,000 customers took 0.5 s), then the few
 * customers created in the same millisecond by id.
 */
export function listOrder(customers: readonly Customer[]): Int32Array {
  const created = Float64Array.from(customers, (c) => c.created);
  let newest = Number.NEGATIVE_INFINITY;
  for (const t of created) if (t > newest) newest = t;
  const order = orderByValue(created.map((t) => newest - t));
  return sortTies(order, created, compareListed(customers, created));
}

/** ChurnCut's seeded data: a pure function of the world (its seed, as-of and scale). */
export function generateChurnCut(world: World): ChurnCutDataset {
  const r = new Rng(deriveSeed(world.seed, 'churncut'));
  const n = world.customers.length;
  const probability = longLived(Uint8Array, n);
  const factorTypes = longLived(Uint8Array, n * MAX_FACTORS);
  const factorWeights = longLived(Uint8Array, n * MAX_FACTORS);
  for (let i = 0; i < n; i++) {
    // Skewed towards low risk: most customers are fine, a tail is about to leave.
    const p = Math.min(99, Math.floor(r.float() ** 1.7 * 100));
    probability[i] = p;
    drawFactors(r, i, p, factorTypes, factorWeights);
  }
  const flows = generateSeededFlows(world, probability);
  return {
    world,
    probability,
    factorTypes,
    factorWeights,
    flows,
    order: listOrder(world.customers),
  };
}
