import {
  monthlyUsdCents,
  OFFER_TYPES,
  type OfferType,
  offerTypesFor,
  REASONS,
} from '../../../generators/churncut-offers.ts';
import { lowerBound, partitionPoint } from '../../core/search.ts';
import type { Attempt, Churn } from './analytics.ts';
import type { ChurnCutStore } from './store.ts';

/** Customers whose subscription is running at `t`: started before it and not ended before it. */
export function runningAt(store: ChurnCutStore, t: number): number {
  const live = store.liveChurnsBefore(t);
  // lowerBound of a sorted column: how many of its times are before `t`.
  return lowerBound(store.starts, t) - lowerBound(store.churnTimes, t) - live;
}

/** Cancellations completed in [from, to), seeded and live. */
export function* churnsBetween(store: ChurnCutStore, from: number, to: number): Generator<Churn> {
  const a = lowerBound(store.churnTimes, from);
  const b = lowerBound(store.churnTimes, to);
  for (let j = a; j < b; j++)
    yield {
      t: store.churnTimes[j] as number,
      mrr: (store.churnMrr[j + 1] as number) - (store.churnMrr[j] as number),
    };
  const churns = store.liveChurns;
  for (let j = store.liveChurnsBefore(from), end = store.liveChurnsBefore(to); j < end; j++)
    yield churns[j] as Churn;
}

/** Flows started in [from, to), seeded and live, as the retention report reads them. */
export function* attemptsBetween(
  store: ChurnCutStore,
  from: number,
  to: number,
): Generator<Attempt> {
  const f = store.data.flows;
  const byCreated = store.flowsByCreated;
  const first = partitionPoint(
    0,
    byCreated.length,
    (j) => (f.created[byCreated[j] as number] as number) < from,
  );
  for (let j = first; j < byCreated.length; j++) {
    const k = byCreated[j] as number;
    if ((f.created[k] as number) >= to) break;
    const c = store.customer(f.customer[k] as number);
    const reason = REASONS[f.reason[k] as number] ?? 'other';
    yield {
      accepted: f.outcome[k] === 0 ? (OFFER_TYPES[f.offerType[k] as number] as OfferType) : null,
      first: offerTypesFor(reason, c.subscription.plan.tier)[0] ?? 'discount',
      mrr: monthlyUsdCents(c),
    };
  }
  for (const flow of store.liveFlowsCreated(from, to)) {
    yield {
      accepted: flow.outcome === 'retained' && flow.offer ? flow.offer.type : null,
      first: flow.offers[0]?.type ?? 'discount',
      mrr: monthlyUsdCents(store.customer(flow.customer)),
    };
  }
}
