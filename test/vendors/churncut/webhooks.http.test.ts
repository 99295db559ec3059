import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';

import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { freePort, until } from '../../helpers/wait.ts';
import { closeReceivers, type Received, startReceiver } from '../../helpers/webhook-receiver.ts';
import { activeCustomer, ccPost, FLOWS, startFlowFor } from './helpers.ts';

type Verify = (payload: string, signature: string, secret: string) => boolean;

// The vendor's verifyWebhook exactly as the ChurnCut API docs (Webhooks) print it, run unchanged.
const SEED_SOURCE = readFileSync(
  join(import.meta.dirname, 'fixtures', 'verify-webhook.seed.txt'),
  'utf8',
);
const verifyWebhook = new Function('require', `${SEED_SOURCE}\nreturn verifyWebhook;`)(
  createRequire(import.meta.url),
) as Verify;

afterEach(closeReceivers);

const fastRetries = { backoffMs: 50, maxAttempts: 12 };

async function startAndAccept(mock: Mock) {
  const c = activeCustomer(mock);
  const flowId = await startFlowFor(mock, c);
  // Delivery is asynchronous: nothing has been attempted when the API answers.
  expect(mock.webhooks.deliveries().every((d) => d.attempts === 0)).toBe(true);
  expect(mock.vendors.churncut.flows.accept(flowId, 'discount').ok).toBe(true);
  return { c, flowId };
}

/** Starts a flow on the lifecycle itself (no HTTP): its cancellation.started goes out. */
function startFlowDirectly(mock: Mock): void {
  const c = activeCustomer(mock);
  mock.vendors.churncut.flows.start(
    {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'other',
      redirect_url: 'https://x.example/',
    },
    'http://127.0.0.1:4010',
  );
}

describe('webhooks', () => {
  it('a receiver down at first gets every event once it is up; verifyWebhook accepts each', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const mock = await customMock({ webhooks: { ...fastRetries, urls: [url] } });
    const { c, flowId } = await startAndAccept(mock);
    await until(() => mock.webhooks.deliveries().every((d) => d.attempts >= 2));
    const r = await startReceiver({ port });
    await r.waitFor(3);
    const events = r.requests.map((g) => JSON.parse(g.body).event);
    expect(events.sort()).toEqual([
      'cancellation.retained',
      'cancellation.started',
      'offer.accepted',
    ]);
    for (const g of r.requests) {
      const sig = String(g.headers['x-churncut-signature']);
      expect(verifyWebhook(g.body, sig, 'whsec_churnmock')).toBe(true);
      expect(g.headers['x-churncut-delivery']).toMatch(/^whd_/);
      expect(g.headers['x-churncut-timestamp']).toMatch(/^\d+$/);
      const body = JSON.parse(g.body);
      expect(body.data).toMatchObject({
        customer_id: c.id,
        subscription_id: c.sub,
        flow_id: flowId,
      });
    }
    const retained = JSON.parse(
      r.requests.find((g) => g.body.includes('cancellation.retained'))?.body ?? '{}',
    );
    expect(retained.data.offer).toEqual({ type: 'discount', value: 50, duration_months: 3 });
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    for (const d of log.body.deliveries) {
      expect(d.status).toBe('delivered');
      expect(d.attempts).toBeGreaterThanOrEqual(2);
      expect(d.history[0].error).toBe('ECONNREFUSED');
      expect(d.last_status_code).toBe(200);
    }
  });

  it('non-2xx answers are retried; a wrong secret fails verification', async () => {
    const r = await startReceiver({ answers: [500, 503] });
    const mock = await customMock({ webhooks: fastRetries });
    const added = await request(mock.app)
      .post('/__admin/webhooks')
      .send({ url: `${r.base}/x` });
    await expectContract('addWebhook', added);
    expect(added.body.urls).toEqual([`${r.base}/x`]);
    const c = activeCustomer(mock);
    await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'other',
      redirect_url: 'https://x.example/',
    });
    await until(() => mock.webhooks.deliveries()[0]?.status === 'delivered');
    const d = mock.webhooks.deliveries()[0];
    expect(d?.history.map((h) => h.status_code)).toEqual([500, 503, 200]);
    // The same delivery id on every retry, so receivers can drop duplicates.
    expect(new Set(r.requests.map((g) => g.headers['x-churncut-delivery'])).size).toBe(1);
    const last = r.requests.at(-1) as Received;
    expect(
      verifyWebhook(last.body, String(last.headers['x-churncut-signature']), 'whsec_other'),
    ).toBe(false);
  });

  it('a receiver that does not answer in time is retried (timeout), then delivered', async () => {
    // The first attempt hangs past the mock's timeout; later ones are answered at once.
    const r = await startReceiver({ answers: ['hang'] });
    const mock = await customMock({
      webhooks: {
        ...fastRetries,
        timeoutMs: 200,
        urls: [`${r.base}/`],
      },
    });
    startFlowDirectly(mock);
    await until(() => mock.webhooks.deliveries()[0]?.status === 'delivered');
    const d = mock.webhooks.deliveries()[0];
    expect(d?.history.map((h) => h.error)).toEqual(['timeout', null]);
    expect(d?.history[0]?.status_code).toBeNull();
    const got = r.requests.map((g) => String(g.headers['x-churncut-delivery']));
    expect(got).toHaveLength(2);
    expect(new Set(got).size).toBe(1);
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries[0]).toMatchObject({
      attempts: 2,
      last_error: null,
      last_status_code: 200,
    });
  });

  it('gives up after max attempts and records the failure', async () => {
    const port = await freePort();
    const mock = await customMock({
      webhooks: {
        ...fastRetries,
        maxAttempts: 3,
        urls: [`http://127.0.0.1:${port}/`],
      },
    });
    startFlowDirectly(mock);
    await until(() => mock.webhooks.deliveries()[0]?.status === 'failed');
    expect(mock.webhooks.deliveries()[0]?.attempts).toBe(3);
  });

  // The vendor documents are not in the repository: a clean clone skips this check, a
  // workspace that keeps them beside the repository (the path below) runs it.
  const seeds = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'seeds');
  it.skipIf(!existsSync(seeds))(
    "the verifyWebhook fixture is the ChurnCut docs' code, so the copy cannot drift",
    () => {
      const fixture = SEED_SOURCE.trim();
      expect(fixture).toMatch(/^const crypto = require\('crypto'\);\s+function verifyWebhook\(/);
      // The Spanish edition prints it character for character (indentation included).
      const seed003 = readFileSync(join(seeds, '003_2474f4fa02a1085c.txt'), 'utf8');
      expect(seed003.replace(/\r\n/g, '\n')).toContain(fixture);
      // The English edition prints it with its layout flattened: equal once whitespace is.
      const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
      const seed001 = readFileSync(join(seeds, '001_388e8a686d622c84.txt'), 'utf8');
      expect(flat(seed001)).toContain(flat(fixture));
    },
  );

  it('the webhook secret is configurable: a mock built with whsec_other signs with it', async () => {
    const r = await startReceiver();
    const mock = await customMock({
      webhooks: { ...fastRetries, urls: [`${r.base}/`] },
      vendors: { churncut: { webhookSecret: 'whsec_other' } },
    });
    await startAndAccept(mock);
    await r.waitFor(3);
    for (const g of r.requests) {
      const sig = String(g.headers['x-churncut-signature']);
      expect(verifyWebhook(g.body, sig, 'whsec_other')).toBe(true);
      expect(verifyWebhook(g.body, sig, 'whsec_churnmock')).toBe(false);
    }
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries).toHaveLength(3);
  });

  it('every event to every target has its own delivery id', async () => {
    const rs = await Promise.all([startReceiver(), startReceiver()]);
    const mock = await customMock({
      webhooks: { ...fastRetries, urls: rs.map((r) => `${r.base}/`) },
    });
    await startAndAccept(mock);
    await until(() => rs.every((r) => r.requests.length >= 3));
    const idsOf = (r: (typeof rs)[number]) =>
      r.requests.map((g) => String(g.headers['x-churncut-delivery']));
    const all = rs.flatMap(idsOf);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    for (const r of rs) {
      // The three events (started, offer.accepted, retained) reach each target once each.
      expect(r.requests.map((g) => JSON.parse(g.body).event).sort()).toEqual([
        'cancellation.retained',
        'cancellation.started',
        'offer.accepted',
      ]);
    }
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries.map((d: { id: string }) => d.id).sort()).toEqual([...all].sort());
    for (const d of log.body.deliveries) expect(d.attempts).toBe(1);
  });

  it('a second open flow for the same subscription returns the open one and sends no second cancellation.started', async () => {
    const r = await startReceiver();
    const mock = await customMock({
      webhooks: { ...fastRetries, urls: [`${r.base}/`] },
    });
    const c = activeCustomer(mock);
    const body = {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'too_expensive',
      redirect_url: 'https://x.example/',
    };
    const first = await ccPost(mock, 'createCancellationFlow', FLOWS, body);
    expect(first.status).toBe(201);
    await r.waitFor(1);
    const second = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      ...body,
      reason: 'other',
    });
    expect(second.status).toBe(200);
    expect(second.body.data.flow_id).toBe(first.body.data.flow_id);
    // Queuing is synchronous: a second event would already be in the log.
    expect(mock.webhooks.deliveries()).toHaveLength(1);
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries.map((d: { event: string }) => d.event)).toEqual([
      'cancellation.started',
    ]);
    // A later event still goes out, and the receiver never saw a second started.
    expect(mock.vendors.churncut.flows.cancel(first.body.data.flow_id).ok).toBe(true);
    await r.waitFor(2);
    expect(r.requests.map((g) => JSON.parse(g.body).event)).toEqual([
      'cancellation.started',
      'cancellation.completed',
    ]);
  });

  it('POST /__admin/webhooks rejects a non-URL with a 400', async () => {
    const mock = await customMock({});
    const res = await request(mock.app).post('/__admin/webhooks').send({ url: 'ftp://x' });
    expect(res.status).toBe(400);
    await expectContract('addWebhook', res);
    const list = await request(mock.app).get('/__admin/webhooks');
    await expectContract('listWebhooks', list);
    expect(list.body.urls).toEqual([]);
  });
});
