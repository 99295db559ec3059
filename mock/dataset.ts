import { createHash } from 'node:crypto';
import type { ChurnkeyDataset } from '../generators/churnkey-data.ts';
import { generateRebillyReports } from '../generators/rebilly-reports.ts';
import { seededVendorData } from '../generators/seed-examples.ts';
import { iso } from '../generators/time.ts';
import type { World } from '../generators/world.ts';
import { seededFlowJson, toCustomerDetail } from './vendors/churncut/materialize.ts';
import { ChurnCutStore } from './vendors/churncut/store.ts';
import { toSessionJson } from './vendors/churnkey-data/materialize.ts';
import { RebillyReportsStore } from './vendors/rebilly-reports/store.ts';

/** Every vendor's seeded data for one world: what the mock serves before any request. */
export interface Dataset {
  readonly world: World;
  readonly churnkey: ChurnkeyDataset;
  readonly churncut: ChurnCutStore;
  readonly rebilly: RebillyReportsStore;
}

/**
 * Generates every vendor's data from the generated world, as the mock does (the seeds'
 * example people included); pure: same world, same dataset.
 */
export function generateDataset(generated: World): Dataset {
  const { world, churncut, churnkey } = seededVendorData(generated);
  return {
    world,
    churnkey,
    churncut: new ChurnCutStore(churncut),
    rebilly: new RebillyReportsStore(world, generateRebillyReports(world)),
  };
}

/**
 * The dataset as JSON-lines records: what `churnmock generate` writes, line by line. Vendor
 * records are in each API's own shape, as of the world's as-of date: Churnkey sessions as
 * `/v1/data/sessions` lists them, ChurnCut customers as `/v1/customers/{id}` and past flows as
 * `/v1/cancellation-flows/{id}` show them, Rebilly canceled subscriptions as Rebilly's
 * subscription resource (the rows the report aggregates).
 */
export function* datasetRecords(d: Dataset): Generator<unknown> {
  const { world, churnkey, churncut, rebilly } = d;
  yield { type: 'meta', seed: world.seed, asOf: iso(world.asOf), scale: world.scale };
  for (const c of world.customers) {
    const s = c.subscription;
    yield {
      type: 'customer',
      id: c.id,
      email: c.email,
      name: c.name,
      created: iso(c.created),
      subscription: {
        id: s.id,
        planId: s.plan.id,
        currency: s.currency,
        quantity: s.quantity,
        start: iso(s.start),
        trialEnd: s.trialEnd === null ? null : iso(s.trialEnd),
      },
      churnkeyDsrCounts: churnkey.dsr[c.index],
    };
  }
  for (const s of churnkey.sessions)
    yield { type: 'churnkey.session', data: toSessionJson(s, churnkey.flows.org) };
  for (let i = 0; i < world.customers.length; i++)
    yield { type: 'churncut.customer', data: toCustomerDetail(churncut, i, world.asOf) };
  for (let k = 0; k < churncut.data.flows.count; k++)
    yield { type: 'churncut.flow', data: seededFlowJson(churncut, k) };
  for (const s of rebilly.subscriptions()) yield { type: 'rebilly.subscription', data: s };
}

/** How many records of each type `datasetRecords` yields besides `meta`. */
export function datasetCounts(d: Dataset): Record<string, number> {
  return {
    customers: d.world.customers.length,
    'churnkey sessions': d.churnkey.sessions.length,
    'churncut flows': d.churncut.data.flows.count,
    'rebilly subscriptions': d.rebilly.data.count,
  };
}

/** SHA-256 of the JSON-lines dataset: equal hashes mean byte-identical output. */
export function datasetHash(d: Dataset): string {
  const h = createHash('sha256');
  for (const r of datasetRecords(d)) h.update(`${JSON.stringify(r)}\n`);
  return h.digest('hex');
}
