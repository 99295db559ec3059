import { createHash } from 'node:crypto';
import type { ChurnkeyDataset } from '../generators/churnkey-data.ts';
import { iso } from '../generators/time.ts';
import type { World } from '../generators/world.ts';
import { toSessionJson } from './churnkey-data/materialize.ts';

/** The dataset as JSON-lines records: what `churnmock generate` writes, line by line. */
export function* datasetRecords(world: World, data: ChurnkeyDataset): Generator<unknown> {
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
      churnkeyDsrCounts: data.dsr[c.index],
    };
  }
  for (const s of data.sessions)
    yield { type: 'churnkey.session', data: toSessionJson(s, data.flows.org) };
}

/** SHA-256 of the JSON-lines dataset: equal hashes mean byte-identical output. */
export function datasetHash(world: World, data: ChurnkeyDataset): string {
  const h = createHash('sha256');
  for (const r of datasetRecords(world, data)) h.update(`${JSON.stringify(r)}\n`);
  return h.digest('hex');
}
