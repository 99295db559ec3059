import {
  monthlyUsdCents,
  OFFER_TYPES,
  type OfferType,
  offerTypesFor,
  REASONS,
} from '../../../generators/churncut-offers.ts';
import { lowerBound, partitionPoint } from '../../core/search.ts';
import type { Attempt, Churn, ChurnTally } from './analytics.ts';
import type { ChurnCutStore } from './store.ts';

/** Customers whose subscription is running at `t`: started before it and not ended before it. */
export function runningAt(store: ChurnCutStore, t: number): number {
  const live = store.liveChurnsBefore(t);
  // lowerBound of a sorted column: how many of its times are before `t`.
  return lowerBound(store.starts, t) - lowerBound(store.churnTimes, t) - live;
}

/**
 * The cancellations in a time range, seeded and live, counted without visiting them: the
 * seeded ones by two binary searches over their times and the difference of their MRR's
 * prefix sums, the live ones (made through the API, few) by binary searches and a sum.
 */
export function churnTally(store: ChurnCutStore): ChurnTally {
  const times = store.churnTimes;
  const prefix = store.churnMrr;
  const live = store.liveChurns;
  // Buckets come one after another: a bucket's start is the last one's end, searched once.
  let lastTo = Number.NaN;
  let lastB = 0;
  return (from, to) => {
    const a = from === lastTo ? lastB : lowerBound(times, from);
    const b = lowerBound(times, to);
    lastTo = to;
    lastB = b;
    let count = b - a;
    let mrr = (prefix[b] as number) - (prefix[a] as number);
    if (live.length)
      for (let j = store.liveChurnsBefore(from), end = store.liveChurnsBefore(to); j < end; j++) {
        count++;
        mrr += (live[j] as Churn).mrr;
      }
    return { count, mrr };
  };
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
