import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';

import { launchChromium } from '../../helpers/browser.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { listen, until } from '../../helpers/wait.ts';
import { type Receiver, startReceiver } from '../../helpers/webhook-receiver.ts';
import { activeCustomer, CC_AUTH } from './helpers.ts';

let mock: Mock;
let api: Server;
let hooks: Receiver;
let base: string;
let browser: Browser;
/** The events the webhook receiver got, in order. */
const received = (): { event: string }[] => hooks.requests.map((r) => JSON.parse(r.body));

beforeAll(async () => {
  hooks = await startReceiver();
  mock = await customMock({ webhooks: { urls: [hooks.url] } });
  api = createServer(mock.app);
  base = await listen(api);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  api?.close();
  await hooks?.close();
});

async function startFlow(skip: number) {
  const c = activeCustomer(mock, skip);
  const res = await fetch(`${base}/v1/cancellation-flows`, {
    method: 'POST',
    headers: { ...CC_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'too_expensive',
      redirect_url: `${base}/__admin/health`,
    }),
  });
  const body = (await res.json()) as { data: { flow_id: string; flow_url: string } };
  await expectContract('createCancellationFlow', { status: res.status, body });
  return body.data;
}

const flowStatus = async (id: string) => {
  const res = await fetch(`${base}/v1/cancellation-flows/${id}`, { headers: CC_AUTH });
  const body = (await res.json()) as { data: Record<string, unknown> };
  await expectContract('getCancellationFlow', { status: res.status, body });
  return body.data;
};

describe('hosted flow page in headless Chromium', () => {
  it('shows the plan and offers; accepting the discount retains, redirects, and sends webhooks', async () => {
    const flow = await startFlow(0);
    expect(flow.flow_url.startsWith(base)).toBe(true);
    const page = await browser.newPage();
    await page.goto(flow.flow_url);
    expect(await page.textContent('#plan')).toMatch(/Your plan: (starter|creator|pro|business)/);
    expect(await page.locator('button[data-offer]').count()).toBeGreaterThanOrEqual(2);
    await Promise.all([
      page.waitForURL(/__admin\/health/),
      page.click('button[data-offer="discount"]'),
    ]);
    expect(page.url()).toContain(`flow_id=${flow.flow_id}`);
    expect(page.url()).toContain('outcome=retained');
    expect(await flowStatus(flow.flow_id)).toMatchObject({
      status: 'completed',
      outcome: 'retained',
      offer_accepted: { type: 'discount', value: 50, duration_months: 3 },
    });
    await hooks.waitFor(3);
    expect(received().map((e) => e.event)).toEqual(
      expect.arrayContaining(['cancellation.started', 'offer.accepted', 'cancellation.retained']),
    );
    await page.close();
  });

  it('confirming the cancellation completes the flow as cancelled', async () => {
    const flow = await startFlow(1);
    const page = await browser.newPage();
    await page.goto(flow.flow_url);
    await Promise.all([page.waitForURL(/outcome=cancelled/), page.click('#confirm-cancel')]);
    expect(await flowStatus(flow.flow_id)).toMatchObject({
      status: 'completed',
      outcome: 'cancelled',
    });
    await until(() => received().some((e) => e.event === 'cancellation.completed'));
    expect(received().some((e) => e.event === 'cancellation.completed')).toBe(true);
    // Opening the page again shows it is closed.
    await page.goto(flow.flow_url);
    expect(await page.getAttribute('#status', 'data-status')).toBe('completed');
    await page.close();
  });
});
