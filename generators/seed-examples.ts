import { type ChurnCutDataset, generateChurnCut, listOrder } from './churncut.ts';
import { OFFER_TYPES } from './churncut-offers.ts';
import {
  type ChurnkeyDataset,
  DSR_DELETE_EVENT_LIMIT,
  generateChurnkeyData,
} from './churnkey-data.ts';
import type { Customer, World } from './world.ts';

/**
 * The ids the vendor documents use in their examples (the ChurnCut API docs; Churnkey's
 * Customer Data Endpoint docs). One seeded customer carries them, so the documents' own example
 * requests work against the default data.
 */
export const SEED_EXAMPLE_IDS = {
  customerId: 'cus_abc123',
  subscriptionId: 'sub_xyz789',
  flowId: 'flow_123456',
  /** The Churnkey Data API docs' DSR example person (GDPR User Data Access). */
  dsrEmail: 'jane@example.com',
} as const;

/** Which customer and which seeded ChurnCut flow play the ChurnCut API docs' example. */
export interface SeedExample {
  readonly customer: number;
  readonly flow: number;
}

const DISCOUNT = OFFER_TYPES.indexOf('discount');
const JANUARY_2024 = [Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1)] as const;

/**
 * The customer most like the ChurnCut API docs' example: a high-risk (≥ 70) Pro customer billed
 * in USD whose latest cancellation flow ended retained with a discount; closer matches first
 * (billed monthly, 50 % for 3 months, in January 2024), then the lowest index. Null when the
 * world has none (tiny scales). Pure: reads the data, changes nothing.
 */
export function findSeedExample(data: ChurnCutDataset): SeedExample | null {
  const { world, probability, flows } = data;
  let best: SeedExample | null = null;
  let bestScore = -1;
  for (let i = 0; i < world.customers.length; i++) {
    const c = world.customers[i] as Customer;
    const first = flows.start[i] as number;
    const end = flows.start[i + 1] as number;
    if (end === first || (probability[i] as number) < 70) continue;
    if (c.subscription.plan.tier !== 'pro' || c.subscription.currency !== 'usd') continue;
    const k = end - 1;
    if (flows.outcome[k] !== 0 || flows.offerType[k] !== DISCOUNT) continue;
    const created = flows.created[k] as number;
    const plan = c.subscription.plan;
    const score =
      (plan.interval === 'MONTH' && plan.intervalCount === 1 ? 2 : 0) +
      (flows.offerA[k] === 50 ? 1 : 0) +
      (flows.offerB[k] === 3 ? 1 : 0) +
      (created >= JANUARY_2024[0] && created < JANUARY_2024[1] ? 1 : 0);
    if (score > bestScore) {
      best = { customer: i, flow: k };
      bestScore = score;
    }
  }
  return best;
}

/** The world with customer `i` (and its subscription) under the docs' example ids. */
export function withExampleIds(world: World, i: number): World {
  const c = world.customers[i] as Customer;
  const customers = world.customers.slice();
  customers[i] = {
    ...c,
    id: SEED_EXAMPLE_IDS.customerId,
    subscription: { ...c.subscription, id: SEED_EXAMPLE_IDS.subscriptionId },
  };
  return { ...world, customers };
}

/**
 * The world every vendor draws from, with the ChurnCut API docs' example customer in it, and
 * ChurnCut's data for that world (`example` says which flow is `flow_123456`). ChurnCut's draws
 * depend on customer indices, not ids, so renaming one customer changes nothing else.
 */
export function worldWithSeedExamples(world: World): {
  world: World;
  churncut: ChurnCutDataset;
  example: SeedExample | null;
} {
  const drawn = generateChurnCut(world);
  const example = findSeedExample(drawn);
  if (!example) return { world, churncut: drawn, example };
  const renamed = withExampleIds(world, example.customer);
  // The list order breaks ties of `created` by id: only a tie with the renamed customer moves.
  const created = (world.customers[example.customer] as Customer).created;
  const tie = world.customers.some((c, i) => i !== example.customer && c.created === created);
  const order = tie ? listOrder(renamed.customers) : drawn.order;
  return {
    world: renamed,
    churncut: { ...drawn, world: renamed, order, exampleFlow: example.flow },
    example,
  };
}

/**
 * The person most like the Data API docs' DSR example (jane@example.com, every kind of record):
 * the first customer, other than `except`, with at least three sessions, at least one record of
 * every kind but e-mails, and no more events than a delete may remove. -1 when none.
 */
export function findDsrExample(world: World, data: ChurnkeyDataset, except = -1): number {
  const sessions = new Uint32Array(world.customers.length);
  for (const s of data.sessions) sessions[s.customer.index] = (sessions[s.customer.index] ?? 0) + 1;
  for (let i = 0; i < world.customers.length; i++) {
    const d = data.dsr[i];
    if (i === except || !d || (sessions[i] as number) < 3 || d.events > DSR_DELETE_EVENT_LIMIT)
      continue;
    const kinds = [d.events, d.campaigns, d.invoices, d.failedPayments, d.subscriptions, d.charges];
    if (kinds.every((n) => n > 0)) return i;
  }
  return -1;
}

/**
 * Every vendor's starting data with the vendor docs' example people in it: the ChurnCut API
 * docs' customer (cus_abc123, sub_xyz789, flow_123456) and the Churnkey Data API docs' DSR
 * person (jane@example.com). The world is renamed before the vendors draw from it where the
 * choice allows (ChurnCut), and Churnkey's sessions are repointed at the renamed person after,
 * so every API shows the same people. Pure: same world, same result.
 */
export function seededVendorData(generated: World): {
  world: World;
  churncut: ChurnCutDataset;
  churnkey: ChurnkeyDataset;
} {
  const first = worldWithSeedExamples(generated);
  const churnkey = generateChurnkeyData(first.world);
  const jane = findDsrExample(first.world, churnkey, first.example?.customer ?? -1);
  if (jane < 0) return { ...first, churnkey };
  const customers = first.world.customers.slice();
  const renamed: Customer = { ...(customers[jane] as Customer), email: SEED_EXAMPLE_IDS.dsrEmail };
  customers[jane] = renamed;
  const world: World = { ...first.world, customers };
  const sessions = churnkey.sessions.map((s) =>
    s.customer.index === jane ? { ...s, customer: renamed } : s,
  );
  return {
    world,
    churncut: { ...first.churncut, world },
    churnkey: { ...churnkey, sessions },
  };
}
