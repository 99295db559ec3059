import type { ChurnCutDataset } from './churncut.ts';
import type { ChurnkeyDataset } from './churnkey-data.ts';
import { generateRebillyReports, type RebillyCancellations } from './rebilly-reports.ts';
import { seededVendorData } from './seed-examples.ts';
import { iso } from './time.ts';
import type { World } from './world.ts';
import { generateWorld, type WorldOptions } from './world.ts';

/**
 * The data every vendor draws from: the world with the vendor docs' example people in it, and
 * the vendor datasets that had to be drawn to place them (ChurnCut's flows choose cus_abc123,
 * Churnkey's records choose jane@example.com), and Rebilly's cancellations, drawn from `world`
 * alone. Every part is a pure function of (seed, as-of, scale).
 */
export interface SeededData {
  readonly world: World;
  readonly churncut: ChurnCutDataset;
  readonly churnkey: ChurnkeyDataset;
  readonly rebilly: RebillyCancellations;
}

/**
 * Generates the seeded data; pure: same options, same data. `progress` hears what was just
 * generated (for a start-up that takes a while).
 */
export function generateSeededData(
  options: WorldOptions,
  progress?: (done: string) => void,
): SeededData {
  const world = generateWorld(options);
  progress?.(`${world.customers.length.toLocaleString('en-US')} customers`);
  const vendors = seededVendorData(world);
  progress?.(
    `${vendors.churnkey.sessions.length.toLocaleString('en-US')} Churnkey sessions, ${vendors.churncut.flows.count.toLocaleString('en-US')} ChurnCut flows`,
  );
  const rebilly = generateRebillyReports(vendors.world);
  progress?.(`${rebilly.count.toLocaleString('en-US')} Rebilly cancellations`);
  return { ...vendors, rebilly };
}

/** The world's customers as JSON-lines records (`churnmock generate`), before the vendors'. */
export function* worldRecords(data: SeededData): Generator<unknown> {
  const { world, churnkey } = data;
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
      churnkeyDsrCounts: churnkey.dsr.at(c.index),
    };
  }
}
