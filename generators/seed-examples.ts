import { type ChurnCutDataset, generateChurnCut } from './churncut.ts';
import {
  type ChurnkeyDataset,
  DSR_DELETE_EVENT_LIMIT,
  type DsrCounts,
  generateChurnkeyData,
} from './churnkey-data.ts';
import {
  asExampleCustomer,
  findSeedExample,
  withChurnCutExample,
} from './seed-example-churncut.ts';
import type { Customer, World } from './world.ts';

export { CHURNCUT_EXAMPLE, findSeedExample, type SeedExample } from './seed-example-churncut.ts';

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
 * The Data API docs' DSR counts for jane@example.com (GDPR User Data Access, Response Data
 * Format). The seeded person has exactly these records at the as-of date.
 */
export const DSR_EXAMPLE_COUNTS: Readonly<DsrCounts & { sessions: number }> = {
  events: 5,
  sessions: 5,
  campaigns: 5,
  invoices: 10,
  failedPayments: 5,
  subscriptions: 5,
  charges: 5,
  emails: 0,
};

/**
 * The person most like the Data API docs' DSR example (jane@example.com): the first customer,
 * other than `except`, with at least three sessions, at least one record of every kind but
 * e-mails and no more events than a delete may remove; one with exactly the example's five
 * sessions first. -1 when none. Their other counts are then set to the example's.
 */
export function findDsrExample(world: World, data: ChurnkeyDataset, except = -1): number {
  const sessions = new Uint32Array(world.customers.length);
  for (const c of data.sessions.customerIndex) sessions[c] = (sessions[c] ?? 0) + 1;
  let fallback = -1;
  for (let i = 0; i < world.customers.length; i++) {
    const d = data.dsr.at(i);
    const n = sessions[i] as number;
    if (i === except || !d || n < 3 || d.events > DSR_DELETE_EVENT_LIMIT) continue;
    const kinds = [d.events, d.campaigns, d.invoices, d.failedPayments, d.subscriptions, d.charges];
    if (!kinds.every((k) => k > 0)) continue;
    if (n === DSR_EXAMPLE_COUNTS.sessions) return i;
    if (fallback < 0) fallback = i;
  }
  return fallback;
}

/**
 * Every vendor's starting data with the vendor docs' example people in it: the ChurnCut API
 * docs' customer (cus_abc123, sub_xyz789, flow_123456, with the document's values:
 * seed-example-churncut.ts) and the Churnkey Data API docs' DSR person (jane@example.com, with
 * the document's counts). The ids are given before the vendors draw (no draw depends on an id);
 * the example customer's e-mail and creation time, and jane's e-mail, after Churnkey has drawn
 * (its draws depend on subscription start times), and Churnkey's sessions are repointed at the
 * changed people, so every API shows the same people. Pure: same world, same result.
 */
export function seededVendorData(generated: World): {
  world: World;
  churncut: ChurnCutDataset;
  churnkey: ChurnkeyDataset;
} {
  const drawn = generateChurnCut(generated);
  const example = findSeedExample(drawn);
  const named = example ? withExampleIds(generated, example.customer) : generated;
  const churnkey = generateChurnkeyData(named);
  const jane = findDsrExample(named, churnkey, example?.customer ?? -1);
  const customers = named.customers.slice();
  const changed = new Map<number, Customer>();
  if (example)
    changed.set(example.customer, asExampleCustomer(customers[example.customer] as Customer));
  if (jane >= 0)
    changed.set(jane, { ...(customers[jane] as Customer), email: SEED_EXAMPLE_IDS.dsrEmail });
  for (const [i, c] of changed) customers[i] = c;
  const world: World = { ...named, customers };
  let dsr = churnkey.dsr;
  if (jane >= 0) {
    const { sessions: _sessions, ...counts } = DSR_EXAMPLE_COUNTS;
    dsr = dsr.with(jane, counts);
  }
  const sessions = churnkey.sessions.withCustomers(customers);
  const churncut: ChurnCutDataset = example
    ? { ...drawn, ...withChurnCutExample(drawn, customers, example), world }
    : { ...drawn, world };
  return { world, churncut, churnkey: { ...churnkey, sessions, dsr } };
}
