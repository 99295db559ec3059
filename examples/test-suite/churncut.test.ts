import { type RunningMock, startMock } from 'churnmock';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

let mock: RunningMock;
const auth = { authorization: 'Bearer cc_test_churnmock' };

beforeAll(async () => {
  mock = await startMock({ seed: 42, churncut: { rateLimit: false } });
});
beforeEach(() => mock.reset()); // every test starts from the seed
afterAll(() => mock.close());

/** Starts a cancellation flow for the first active customer; your app's call. */
async function startFlow() {
  const list = await fetch(`${mock.url}/v1/customers?status=active&limit=1`, { headers: auth });
  const { data } = (await list.json()) as {
    data: { customers: { id: string; subscription_id: string }[] };
  };
  const customer = data.customers[0];
  if (!customer) throw new Error('no active customer');
  const started = await fetch(`${mock.url}/v1/cancellation-flows`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: customer.id,
      subscription_id: customer.subscription_id,
      reason: 'too_expensive',
      redirect_url: 'https://app.example/account',
    }),
  });
  expect(started.status).toBe(201);
  const flow = (await started.json()) as { data: { flow_id: string } };
  return { customer, flowId: flow.data.flow_id };
}

it('retains a customer who accepts the discount, and says so by webhook', async () => {
  const { customer, flowId } = await startFlow();
  // What the customer does on the hosted page (your app redirects them to flow_url).
  await fetch(`${mock.url}/flow/${flowId}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'offer=discount',
    redirect: 'manual',
  });
  const retained = await mock.webhooks.waitFor('cancellation.retained', {
    where: (e) => (e.payload as { data: { flow_id: string } }).data.flow_id === flowId,
  });
  expect(retained.payload).toMatchObject({ data: { customer_id: customer.id } });
});

it('a flow nobody answers expires once the mock clock passes 24 hours', async () => {
  const { flowId } = await startFlow();
  mock.clock.advance('PT25H');
  const res = await fetch(`${mock.url}/v1/cancellation-flows/${flowId}`, { headers: auth });
  const flow = (await res.json()) as { data: { status: string } };
  expect(flow.data.status).toBe('expired');
});
