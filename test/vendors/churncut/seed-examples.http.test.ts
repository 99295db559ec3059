import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateChurnCut, riskOf } from '../../../generators/churncut.ts';
import { OUTCOMES, seededOffer } from '../../../generators/churncut-flows.ts';
import { findSeedExample, SEED_EXAMPLE_IDS } from '../../../generators/seed-examples.ts';
import { generateWorld } from '../../../generators/world.ts';
import type { Mock } from '../../../mock/create.ts';
import { DEFAULT_OPTIONS } from '../../../mock/create.ts';
import { seededFlowId } from '../../../mock/vendors/churncut/ids.ts';
import { expectContract } from '../../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../../helpers/mock.ts';
import { CUSTOMERS, ccGet, ccPost, FLOWS } from './helpers.ts';

const { customerId, subscriptionId, flowId } = SEED_EXAMPLE_IDS;
const world = (scale: number) =>
  generateWorld({ seed: 42, asOf: Date.parse(DEFAULT_OPTIONS.asOf), scale });

describe('findSeedExample (pure)', () => {
  it('picks a high-risk Pro customer billed in USD whose last flow was retained with a discount', () => {
    const data = generateChurnCut(world(1));
    const ex = findSeedExample(data);
    expect(ex).not.toBeNull();
    if (!ex) return;
    const c = data.world.customers[ex.customer];
    expect(c?.subscription.plan.tier).toBe('pro');
    expect(c?.subscription.currency).toBe('usd');
    expect(riskOf(data.probability[ex.customer] as number)).toBe('high');
    expect(data.flows.start[ex.customer + 1]).toBe(ex.flow + 1);
    expect(OUTCOMES[data.flows.outcome[ex.flow] as number]).toBe('retained');
    expect(seededOffer(data.flows, ex.flow)).toMatchObject({ type: 'discount' });
    expect(findSeedExample(generateChurnCut(world(1)))).toEqual(ex);
  });

  it('finds none in a world too small to hold one, and the mock then serves no example ids', async () => {
    expect(findSeedExample(generateChurnCut(world(0.002)))).toBeNull();
    const tiny = await customMock({ scale: 0.002 });
    const res = await ccGet(tiny, 'getCustomer', `${CUSTOMERS}/${customerId}`);
    expect(res.status).toBe(404);
  });
});

describe("the ChurnCut docs' own example requests, against the default data", () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await customMock({});
  });
  beforeEach(() => mock.reset());

  it('GET /v1/customers?risk_level=high&limit=10 lists ten high-risk customers', async () => {
    const res = await ccGet(mock, 'listCustomers', CUSTOMERS, { risk_level: 'high', limit: 10 });
    expect(res.status).toBe(200);
    expect(res.body.data.customers).toHaveLength(10);
    expect(res.body.data.has_more).toBe(true);
  });

  it('GET /v1/customers/cus_abc123: the high-risk Pro customer with sub_xyz789 and a retained attempt', async () => {
    const res = await ccGet(mock, 'getCustomer', `${CUSTOMERS}/${customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: customerId,
      risk_level: 'high',
      status: 'retained',
      subscription: { id: subscriptionId, plan: 'pro', currency: 'usd', status: 'active' },
    });
    expect(res.body.data.history.at(-1)).toMatchObject({ outcome: 'retained', flow_id: flowId });
  });

  it('GET /v1/cancellation-flows/flow_123456: completed, retained with a discount, for cus_abc123', async () => {
    const res = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${flowId}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: flowId,
      status: 'completed',
      outcome: 'retained',
      offer_accepted: { type: 'discount', value: 50, duration_months: 3 },
      customer_id: customerId,
      subscription_id: subscriptionId,
    });
    // The flow's scrambled id is not a second name for it.
    const data = mock.vendors.churncut.store.data;
    const scrambled = seededFlowId(data.exampleFlow ?? -1);
    const other = await ccGet(mock, 'getCancellationFlow', `${FLOWS}/${scrambled}`);
    expect(other.status).toBe(404);
  });

  it("POST /v1/cancellation-flows with the docs' body starts a flow (201)", async () => {
    const res = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: customerId,
      subscription_id: subscriptionId,
      reason: 'too_expensive',
      redirect_url: 'https://your-app.com/subscription/cancelled',
    });
    expect(res.status).toBe(201);
    expect(res.body.data.expires_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('cus_abc123 is the same person in every API (Churnkey sessions, hosted flow)', async () => {
    const res = await request(mock.app)
      .get('/v1/data/sessions')
      .query({ customerId })
      .set(CK_HEADERS);
    await expectContract('listSessions', res);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    for (const s of res.body as { customer: { id: string } }[])
      expect(s.customer.id).toBe(customerId);
    const url = await request(mock.app).get('/__admin/churnkey/flow-url').query({ customerId });
    await expectContract('getHostedFlowUrl', url);
    const page = await request(mock.app).get(
      new URL(url.body.url).pathname + new URL(url.body.url).search,
    );
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<form');
  });
});
