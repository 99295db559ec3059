import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';
import {
  call,
  type Dashboard,
  openPage,
  type PageDocument,
  shootAndCheck,
  startDashboard,
} from './helpers.ts';

// Callbacks run in the page (the tests compile without the DOM lib).
declare const document: PageDocument;

let d: Dashboard;
let ok: Receiver;
let flaky: Receiver;
beforeAll(async () => {
  // The first retry 300 ms after a failed attempt, so it happens within the test.
  d = await startDashboard({ webhooks: { backoffMs: 300 } });
  ok = await startReceiver();
  flaky = await startReceiver({ path: '/flaky', answers: [500] });
});
afterAll(async () => {
  await d?.close();
  await ok?.close();
  await flaky?.close();
});

interface Delivery {
  id: string;
  url: string;
  status: string;
  attempts: number;
  history: { status_code: number | null }[];
}

describe('the dashboard’s Webhooks page', () => {
  it('adds targets, triggers an event from the form, and shows each delivery’s attempts', async () => {
    const opened = await openPage(d, '/__admin/ui/webhooks');
    const { page } = opened;
    for (const url of [ok.url, flaky.url]) {
      await page.fill('#target-url', url);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForSelector(`[data-target="${url}"]`);
    }
    const targets = await call(d.base, '/__admin/webhooks');
    await expectContract('listWebhooks', targets);
    expect(targets.body).toEqual({ urls: [ok.url, flaky.url] });

    // Every event type is in the form.
    const events = await page.locator('#t-event option').evaluateAll((o) => o.map((x) => x.value));
    expect(events).toEqual(
      expect.arrayContaining(['session', 'cancellation.retained', 'offer.accepted']),
    );
    await page.selectOption('#t-event', 'cancellation.retained');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForSelector('p.ok:has-text("cancellation.retained")');
    // The flaky receiver answers 500, then 200: two attempts on its timeline.
    await page.waitForSelector(
      `[data-delivery][data-status="delivered"]:has-text("${flaky.url}")`,
      {
        timeout: 10_000,
      },
    );
    const res = await call(d.base, '/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', res);
    const deliveries = (res.body as { deliveries: Delivery[] }).deliveries;
    expect(deliveries).toHaveLength(2);
    for (const del of deliveries) {
      const item = page.locator(`[data-delivery="${del.id}"]`);
      await page.waitForSelector(`[data-delivery="${del.id}"][data-status="${del.status}"]`);
      const attempts = await item.locator('.timeline li').allTextContents();
      expect(attempts).toHaveLength(del.history.length);
      expect(attempts.map((a, i) => a.includes(String(del.history[i]?.status_code)))).toEqual(
        del.history.map(() => true),
      );
    }
    const flakyOne = deliveries.find((x) => x.url === flaky.url) as Delivery;
    expect(flakyOne.history.map((a) => a.status_code)).toEqual([500, 200]);
    await ok.waitFor(1);
    expect(JSON.parse(ok.requests[0]?.body ?? '{}').event).toBe('cancellation.retained');
    await shootAndCheck(opened, 'webhooks');

    // Redeliver: a new delivery of the same event to the same target.
    const okOne = deliveries.find((x) => x.url === ok.url) as Delivery;
    await page.getByRole('button', { name: `Redeliver ${okOne.id}` }).click();
    await ok.waitFor(2);
    await page.waitForFunction(() => document.querySelectorAll('[data-delivery]').length === 3);

    // Remove a target from the page.
    await page.getByRole('button', { name: `Remove ${flaky.url}` }).click();
    await page.waitForSelector(`[data-target="${flaky.url}"]`, { state: 'detached' });
    const after = await call(d.base, '/__admin/webhooks');
    await expectContract('listWebhooks', after);
    expect(after.body).toEqual({ urls: [ok.url] });
    expect(opened.errors).toEqual([]);
    await page.close();
  });
});
