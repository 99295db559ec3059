import { expect } from 'vitest';
import { DAY } from '../../../generators/time.ts';
import { lowerBound } from '../../../mock/core/search.ts';
import type { Mock } from '../../../mock/create.ts';
import type { Churn } from '../../../mock/vendors/churncut/analytics.ts';
import { DEFAULT_CC_OPTIONS } from '../../../mock/vendors/churncut/options.ts';
import { type ChurnCutStore, MAX_LIVE_FLOWS } from '../../../mock/vendors/churncut/store.ts';
import { getChecked, postChecked } from '../../helpers/mock.ts';

/** Demo credentials for the ChurnCut API. */
export const CC_AUTH = { authorization: `Bearer ${DEFAULT_CC_OPTIONS.apiKey}` } as const;

/** GET a ChurnCut operation with the demo key and check the body against the contract. */
export const ccGet = (
  mock: Mock,
  operationId: string,
  path: string,
  query: Record<string, string | number> = {},
) => getChecked(mock, CC_AUTH, operationId, path, query);

/** POST JSON to a ChurnCut operation with the demo key and check the body. */
export const ccPost = (mock: Mock, operationId: string, path: string, body: unknown) =>
  postChecked(mock, CC_AUTH, operationId, path, body);

/** A customer that can start a flow: running subscription, given status. */
export function activeCustomer(mock: Mock, skip = 0): { id: string; sub: string; index: number } {
  const store = mock.vendors.churncut.store;
  let seen = 0;
  for (const i of store.data.order) {
    if (store.status(i) !== 'active' || store.endedAt(i) !== null) continue;
    if (seen++ < skip) continue;
    const c = store.customer(i);
    return { id: c.id, sub: c.subscription.id, index: i };
  }
  throw new Error('no active customer');
}

export const CUSTOMERS = '/v1/customers';
export const FLOWS = '/v1/cancellation-flows';
export const CHURN = '/v1/analytics/churn';
export const RETENTION = '/v1/analytics/retention';

/** Starts a cancellation flow for customer `c` (201 expected); returns its id. */
export async function startFlowFor(
  mock: Mock,
  c: { id: string; sub: string },
  reason = 'too_expensive',
): Promise<string> {
  const res = await ccPost(mock, 'createCancellationFlow', FLOWS, {
    customer_id: c.id,
    subscription_id: c.sub,
    reason,
    redirect_url: 'https://x.example/',
  });
  expect(res.status).toBe(201);
  return res.body.data.flow_id as string;
}

/**
 * Fills the store with finished live flows (created a day before `now`) until it holds
 * MAX_LIVE_FLOWS, so the next start meets the cap.
 */
export function fillLiveFlows(store: ChurnCutStore, now: number): void {
  for (let i = 0; store.liveFlowCount < MAX_LIVE_FLOWS; i++)
    store.addFlow({
      id: `flow_cap${i}`,
      customer: 1 + (i % 50),
      reason: 'too_expensive',
      created: now - DAY,
      expiresAt: now - 1,
      flowUrl: '',
      redirectUrl: '',
      offers: [],
      status: 'completed',
      outcome: null,
      offer: null,
      completedAt: now - DAY,
    });
}

/**
 * Every cancellation completed in [from, to), seeded and live, one at a time: what the churn
 * report's tallies (churnTally) count without visiting them.
 */
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
