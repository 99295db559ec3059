import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/app.ts';
import { DEFAULT_OPTIONS } from '../../../mock/config.ts';
import { launchChromium } from '../../helpers/browser.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { until } from '../../helpers/wait.ts';
import { activeCustomer, CC_AUTH } from './helpers.ts';

let mock: Mock;
let api: Server;
let hooks: Server;
let base: string;
let browser: Browser;
const received: { event: string }[] = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      received.push(JSON.parse(raw));
      res.end('ok');
    });
  });
  const hookUrl = `${await listen(hooks)}/hooks`;
  mock = await customMock({ churncut: { ...DEFAULT_OPTIONS.churncut, webhookUrls: [hookUrl] } });
  api = createServer(mock.app);
  base = await listen(api);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  api?.close();
  hooks?.close();
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
    await until(() => received.length >= 3);
    expect(received.map((e) => e.event)).toEqual(
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
    await until(() => received.some((e) => e.event === 'cancellation.completed'));
    expect(received.some((e) => e.event === 'cancellation.completed')).toBe(true);
    // Opening the page again shows it is closed.
    await page.goto(flow.flow_url);
    expect(await page.getAttribute('#status', 'data-status')).toBe('completed');
    await page.close();
  });
});
