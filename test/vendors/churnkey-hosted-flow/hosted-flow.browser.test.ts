import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacHex } from '../../../mock/core/crypto.ts';
import type { Mock } from '../../../mock/create.ts';
import { DEFAULT_HOSTED_FLOW_OPTIONS } from '../../../mock/vendors/churnkey-hosted-flow/options.ts';
import { launchChromium } from '../../helpers/browser.ts';
import { expectContract } from '../../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../../helpers/mock.ts';
import { listen, until } from '../../helpers/wait.ts';
import { type Receiver, startReceiver } from '../../helpers/webhook-receiver.ts';
import { type Behaviour, honest, reply, silent, startEndpoint, stopEndpoints } from './endpoint.ts';
import { proCustomer } from './helpers.ts';

const API_KEY = DEFAULT_HOSTED_FLOW_OPTIONS.apiKey;
const WEBHOOK_SECRET = DEFAULT_HOSTED_FLOW_OPTIONS.webhookSecret;

let mock: Mock;
let api: Server;
let hooks: Receiver;
let base: string;
let browser: Browser;

const json = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  hooks = await startReceiver();
  mock = await customMock({});
  api = createServer(mock.app);
  base = await listen(api);
  const added = await json('/__admin/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: hooks.url }),
  });
  await expectContract('addWebhook', added);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  api?.close();
  await hooks?.close();
  await stopEndpoints();
});

async function useEndpoint(behaviour: Behaviour, key = API_KEY, timeoutMs = 3000) {
  const ep = await startEndpoint(key, behaviour);
  const res = await json('/__admin/churnkey/flow', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerDataUrl: ep.url, timeoutMs }),
  });
  await expectContract('setHostedFlowConfig', res);
  return ep;
}

async function openPage(customerId: string) {
  const link = await json(`/__admin/churnkey/flow-url?customerId=${customerId}`);
  await expectContract('getHostedFlowUrl', link);
  const page = await browser.newPage();
  await page.goto(String(link.body.url));
  const steps = await page
    .locator('form.offer')
    .evaluateAll((forms) => forms.map((f) => f.getAttribute('data-step')));
  return { page, steps };
}

async function latestSession(customerId: string) {
  const res = await json(`/v1/data/sessions?customerId=${customerId}&limit=1`, {
    headers: CK_HEADERS,
  });
  await expectContract('listSessions', res);
  return (res.body as unknown as Record<string, unknown>[])[0];
}

describe('hosted cancel flow in Chromium', () => {
  it('signed call, offers for the returned attributes, accepted offer in the Data API and the webhook', async () => {
    const c = proCustomer(mock);
    const ep = await useEndpoint(
      honest({ plan: 'pro', tenureMonths: 18, supportTicketsLastMonth: 2 }),
    );
    const { page, steps } = await openPage(c.id);
    expect(ep.calls).toHaveLength(1);
    expect(ep.calls[0]?.validSignature).toBe(true);
    expect(steps).toEqual(['pro-half-off', 'pause', 'downgrade']);
    await page.click('[data-accept="pro-half-off"]');
    await page.waitForSelector('#result');
    expect(await page.getAttribute('#result', 'data-result')).toBe('discount');
    const sessionId = await page.textContent('#session-id');
    await page.close();
    const s = await latestSession(c.id);
    expect(s?._id).toBe(sessionId);
    expect(s?.acceptedOffer).toMatchObject({ offerType: 'DISCOUNT', couponAmount: 50 });
    const forSession = () => hooks.requests.find((r) => r.body.includes(String(sessionId)));
    await until(() => forSession() !== undefined);
    const hook = forSession();
    expect(hook?.headers['x-churnkey-signature']).toBe(hmacHex(WEBHOOK_SECRET, hook?.raw ?? ''));
    expect(hook?.headers['x-churnkey-delivery']).toMatch(/^whd_/);
    const payload = JSON.parse(hook?.body ?? '{}');
    expect(payload.event).toBe('session');
    expect(payload.data.customer.id).toBe(c.id);
    expect(payload.data.session).toMatchObject({ _id: sessionId, result: 'discount' });
  });

  const BROKEN: [string, Behaviour, string][] = [
    ['failing (500)', (_c, res) => reply(res, 500, { error: 'db down' }), API_KEY],
    ['slow (never answers)', silent, API_KEY],
    ['forging (signs with another key, so rejects ours)', honest({ plan: 'pro' }), 'ck_other'],
  ];
  it.each(BROKEN)(
    'a %s endpoint: the flow still completes, without attributes',
    async (_n, b, key) => {
      const c = proCustomer(mock);
      await useEndpoint(b, key, 500);
      const { page, steps } = await openPage(c.id);
      expect(steps).toEqual(['pause', 'downgrade']);
      await page.check('text=Missing Features');
      await page.fill('textarea[name=feedback]', 'Needs an API.');
      await page.click('#confirm-cancel');
      await page.waitForSelector('#result');
      expect(await page.getAttribute('#result', 'data-result')).toBe('cancel');
      await page.close();
      const s = await latestSession(c.id);
      expect(s).toMatchObject({
        canceled: true,
        surveyChoiceValue: 'Missing Features',
        feedback: 'Needs an API.',
      });
    },
  );
});
