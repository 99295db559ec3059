import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import { activeCustomer } from '../vendors/churncut/helpers.ts';
import { call, type Dashboard, openPage, shootAndCheck, startDashboard } from './helpers.ts';

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard();
});
afterAll(async () => {
  await d?.close();
});

const CC = { authorization: 'Bearer cc_test_churnmock' };

async function churnPeriodEnd(): Promise<string> {
  const res = await call(d.base, '/v1/analytics/churn', { headers: CC });
  await expectContract('getChurnAnalytics', res);
  return (res.body as { data: { period: { end: string } } }).data.period.end;
}

async function startFlow() {
  const c = activeCustomer(d.mock, 0);
  const res = await call(d.base, '/v1/cancellation-flows', {
    method: 'POST',
    headers: CC,
    body: {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'too_expensive',
      redirect_url: 'https://app.example/done',
    },
  });
  await expectContract('createCancellationFlow', res);
  return res;
}

async function clockNow(): Promise<string> {
  const res = await call(d.base, '/__admin/clock');
  await expectContract('getClock', res);
  return (res.body as { now: string }).now;
}

describe('the dashboard’s Control page', () => {
  it('advancing or setting the clock from the page changes what the API answers', async () => {
    const opened = await openPage(d, '/__admin/ui/control');
    const { page } = opened;
    await page.waitForSelector('[data-clock="2025-12-31T00:00:00.000Z"]');
    expect(await churnPeriodEnd()).toBe('2025-12-31');
    await page.fill('#clock-advance', 'P7D');
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await page.waitForSelector('[data-clock="2026-01-07T00:00:00.000Z"]');
    expect(await clockNow()).toBe('2026-01-07T00:00:00.000Z');
    expect(await churnPeriodEnd()).toBe('2026-01-07');
    await page.getByRole('button', { name: '+1D' }).click();
    await page.waitForSelector('[data-clock="2026-01-08T00:00:00.000Z"]');
    await page.fill('#clock-set', '2026-02-01T12:00:00');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await page.waitForSelector('[data-clock="2026-02-01T12:00:00.000Z"]');
    expect(await churnPeriodEnd()).toBe('2026-02-01');
    await shootAndCheck(opened, 'control');
    await page.close();
  });

  it('a stub added from a template changes the next answer; deleting it from the page undoes it', async () => {
    const { page, errors } = await openPage(d, '/__admin/ui/control');
    await page.waitForSelector('#stub-template');
    await page.selectOption('#stub-template', {
      label: 'ChurnCut 429 on POST /v1/cancellation-flows',
    });
    await page.getByRole('button', { name: 'Add the mapping' }).click();
    await page.waitForSelector('[data-mapping]');
    const list = await call(d.base, '/__admin/mappings');
    await expectContract('listMappings', list);
    const [mapping] = (list.body as { mappings: { id: string; name: string }[] }).mappings;
    expect(mapping?.name).toBe('ChurnCut 429 on POST /v1/cancellation-flows');
    const refused = await startFlow();
    expect(refused.status).toBe(429);
    await page.getByRole('button', { name: `Delete ${mapping?.name}` }).click();
    await page.waitForSelector('[data-mapping]', { state: 'detached' });
    const started = await startFlow();
    expect(started.status).toBe(201);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reset from the page restores the seed: the clock, flows and stubs', async () => {
    const { page, errors } = await openPage(d, '/__admin/ui/control');
    await page.waitForSelector('[data-clock]');
    const flow = await startFlow();
    const id = (flow.body as { data: { flow_id: string } }).data.flow_id;
    await call(d.base, '/__admin/clock', { method: 'POST', body: { advance: 'P30D' } });
    await call(d.base, '/__admin/mappings', {
      method: 'POST',
      body: { request: { urlPath: '/v1/customers' }, response: { status: 500 } },
    });
    await page.getByRole('button', { name: 'Reset to the seed' }).click();
    await page.waitForSelector('p.ok:has-text("Reset to the seed")');
    await page.waitForSelector('[data-clock="2025-12-31T00:00:00.000Z"]');
    expect(await clockNow()).toBe('2025-12-31T00:00:00.000Z');
    const gone = await call(d.base, `/v1/cancellation-flows/${id}`, { headers: CC });
    await expectContract('getCancellationFlow', gone);
    expect(gone.status).toBe(404);
    const customers = await call(d.base, '/v1/customers?limit=1', { headers: CC });
    await expectContract('listCustomers', customers);
    expect(customers.status).toBe(200);
    expect(await page.locator('[data-mapping]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the hosted flow’s configuration and opens its page for a chosen customer', async () => {
    const { page, errors } = await openPage(d, '/__admin/ui/control');
    await page.waitForSelector('#hosted-head');
    await page.waitForSelector('dd:has-text("ck_test_churnmock")');
    const customer = activeCustomer(d.mock, 3).id;
    await page.fill('#hosted-customer', customer);
    await page.getByRole('button', { name: 'Make the link' }).click();
    const link = page.locator('[data-hosted-link]');
    await link.waitFor();
    const want = await call(
      d.base,
      `/__admin/churnkey/flow-url?customerId=${encodeURIComponent(customer)}`,
    );
    await expectContract('getHostedFlowUrl', want);
    expect(await link.getAttribute('href')).toBe((want.body as { url: string }).url);
    const [hosted] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await hosted.waitForLoadState();
    expect(new URL(hosted.url()).pathname).toBe('/churnkey/flow');
    expect(await hosted.locator('body').textContent()).not.toBe('');
    await hosted.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
