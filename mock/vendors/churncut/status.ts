import type { ChurnCutDataset } from '../../../generators/churncut.ts';
import { type SeededFlows, seededOffer } from '../../../generators/churncut-flows.ts';
import { offerInEffectUntil } from '../../../generators/churncut-offers.ts';
import { longLived } from '../../../generators/typed-arrays.ts';

/** Customer status codes in the status array. */
export const STATUSES = ['active', 'churned', 'retained'] as const;
export type CustomerStatus = (typeof STATUSES)[number];
export const ACTIVE = 0;
export const CHURNED = 1;
export const RETAINED = 2;

/**
 * What the latest completed flow of each customer left: the outcome (an expired flow changes
 * nothing), until when an accepted offer is in effect, when a cancellation ended the subscription.
 */
export interface Outcomes {
  /** ACTIVE (no completed flow), CHURNED or RETAINED: the latest completed flow's outcome. */
  readonly status: Uint8Array;
  /** For RETAINED: until when the accepted offer is in effect (NaN otherwise). */
  readonly retainedUntil: Float64Array;
  readonly endedAt: Float64Array;
}

/** Each customer's outcome as the seeded flows leave it. */
export function seededOutcomes(data: ChurnCutDataset): Outcomes {
  const n = data.world.customers.length;
  const status = longLived(Uint8Array, n);
  const retainedUntil = longLived(Float64Array, n).fill(Number.NaN);
  const endedAt = longLived(Float64Array, n).fill(Number.NaN);
  const f: SeededFlows = data.flows;
  for (let i = 0; i < n; i++) {
    for (let k = (f.start[i + 1] as number) - 1; k >= (f.start[i] as number); k--) {
      const o = f.outcome[k] as number;
      if (o === 2) continue;
      const offer = seededOffer(f, k);
      status[i] = offer ? RETAINED : CHURNED;
      if (offer) retainedUntil[i] = offerInEffectUntil(offer, f.finished[k] as number);
      else endedAt[i] = f.finished[k] as number;
      break;
    }
  }
  return { status, retainedUntil, endedAt };
}

/** A copy the API can change (the seeded outcomes stay as drawn). */
export const copyOutcomes = (o: Outcomes): Outcomes => ({
  status: o.status.slice(),
  retainedUntil: o.retainedUntil.slice(),
  endedAt: o.endedAt.slice(),
});

/**
 * The status codes at `now` (docs/decisions/008): `retained` only while the accepted offer is
 * in effect, `active` again after it.
 */
export function statusCodesAt(o: Outcomes, now: number): Uint8Array {
  const codes = o.status.slice();
  for (let i = 0; i < codes.length; i++)
    if (codes[i] === RETAINED && !(now < (o.retainedUntil[i] as number))) codes[i] = ACTIVE;
  return codes;
}
