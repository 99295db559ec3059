import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockFrom } from '../../../mock/app.ts';
import { FakeScheduler } from '../../../mock/core/time/scheduler.ts';
import { MAX_WEBHOOK_TARGETS } from '../../../mock/core/webhooks/dispatcher.ts';
import { type CreateMockOptions, type Mock, REGISTRY } from '../../../mock/create.ts';

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

  it('POST /__admin/webhooks: a URL already there is not added twice; a new one past 20 targets is a 400 naming the cap', async () => {
    const configured = 'http://127.0.0.1:9/configured';
    const mock = await customMock({ webhooks: { urls: [configured, configured] } });
    const add = async (url: string) => {
      const res = await request(mock.app).post('/__admin/webhooks').send({ url });
      await expectContract('addWebhook', res);
      return res;
    };
    const list = async () => {
      const res = await request(mock.app).get('/__admin/webhooks');
      await expectContract('listWebhooks', res);
      expect(res.status).toBe(200);
      return res.body.urls as string[];
    };
    // A repeated --webhook-url is one target.
    expect(await list()).toEqual([configured]);
    const again = await add(configured);
    expect(again.status).toBe(200);
    expect(again.body.urls).toEqual([configured]);
    const added = Array.from(
      { length: MAX_WEBHOOK_TARGETS - 1 },
      (_, i) => `http://127.0.0.1:9/t${i}`,
    );
    for (const url of added) expect((await add(url)).status).toBe(200);
    expect((await add(added[0] as string)).body.urls).toEqual([configured, ...added]);

    const over = await add('http://127.0.0.1:9/one-too-many');
    expect(over.status).toBe(400);
    expect(over.body).toEqual({
      message:
        'Webhook targets are capped at 20 (each event is one delivery per target): there are 20 already, http://127.0.0.1:9/one-too-many was not added (POST /__admin/reset?webhookTargets=drop drops those added since start)',
    });
    expect(await list()).toEqual([configured, ...added]);
    expect(() => mock.webhooks.addTarget('http://127.0.0.1:9/another')).toThrow(/capped at 20/);
    // An event goes out once per target.
    startFlowDirectly(mock);
    expect(mock.webhooks.deliveries().map((d) => d.url)).toEqual([configured, ...added]);

    const dropped = await request(mock.app).post('/__admin/reset?webhookTargets=drop');
    await expectContract('reset', dropped);
    expect((await add('http://127.0.0.1:9/one-too-many')).body.urls).toEqual([
      configured,
      'http://127.0.0.1:9/one-too-many',
    ]);
    mock.stop();
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

// POST /__admin/reset and deliveries from before it, on a fake clock (every timer is the
// test's to run) with real requests to receivers on 127.0.0.1.
describe('webhooks across POST /__admin/reset', () => {
  const START = Date.parse('2030-01-01T00:00:00.250Z');
  const stops: Mock[] = [];
  afterEach(() => {
    for (const m of stops.splice(0)) m.stop();
  });

  /** A mock on a fake clock at START (retries from 1 s, 5 s timeout). */
  async function fakeClockMock(options: CreateMockOptions = {}) {
    const clock = new FakeScheduler(START);
    const mock = (await createMockFrom(
      REGISTRY,
      { ...options, webhooks: { backoffMs: 1000, timeoutMs: 5000, maxAttempts: 8 } },
      { scheduler: clock },
    )) as unknown as Mock;
    stops.push(mock);
    return { clock, mock };
  }

  const addTarget = async (mock: Mock, url: string) => {
    const res = await request(mock.app).post('/__admin/webhooks').send({ url });
    await expectContract('addWebhook', res);
    expect(res.status).toBe(200);
  };
  const resetOver = async (mock: Mock, webhookTargets: 'keep' | 'drop') => {
    const res = await request(mock.app).post(`/__admin/reset?webhookTargets=${webhookTargets}`);
    await expectContract('reset', res);
    expect(res.status).toBe(200);
  };
  const deliveryLog = async (mock: Mock) => {
    const res = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', res);
    return res.body.deliveries as { url: string; status: string; attempts: number }[];
  };

  it.each(['keep', 'drop'] as const)(
    'a request in flight is aborted by the reset (targets: %s): nothing recorded, retried or left on the clock',
    async (webhookTargets) => {
      let closed = 0;
      let seen = 0;
      const held = await startReceiver({
        // Never answers the first request: it stays in flight until the dispatcher lets go of
        // it. Later ones are answered.
        handler: (_request, res) => {
          if (seen++ > 0) return void res.end('ok');
          res.once('close', () => closed++);
        },
      });
      const { clock, mock } = await fakeClockMock();
      await addTarget(mock, held.url);
      startFlowDirectly(mock);
      expect(clock.runNext()).toBe(START);
      await held.waitFor(1);
      // Only the attempt's timeout is on the clock while the request is out.
      expect(clock.pending()).toEqual([START + 5000]);

      await resetOver(mock, webhookTargets);
      // The receiver sees the connection go at once, long before the 5 s timeout.
      await until(() => closed === 1, 3000);
      await mock.webhooks.idle();
      expect(clock.pending()).toEqual([]);
      expect(clock.runAll()).toBe(0);
      await mock.webhooks.idle();
      expect(held.requests).toHaveLength(1);
      expect(await deliveryLog(mock)).toEqual([]);

      // A delivery after the reset is the only one in the new log.
      const fresh = await startReceiver();
      await addTarget(mock, fresh.url);
      startFlowDirectly(mock);
      clock.advance(0);
      await mock.webhooks.idle();
      await fresh.waitFor(1);
      expect(clock.pending()).toEqual([]);
      const log = await deliveryLog(mock);
      const urls = webhookTargets === 'keep' ? [held.url, fresh.url] : [fresh.url];
      expect(log.map((d) => d.url)).toEqual(urls);
      for (const d of log) expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(held.requests).toHaveLength(webhookTargets === 'keep' ? 2 : 1);
    },
  );

  it.each(['keep', 'drop'] as const)(
    'a retry pending at the reset (targets: %s) is never attempted, however far the clock moves',
    async (webhookTargets) => {
      const failing = await startReceiver({ answers: [500, 500, 500] });
      const { clock, mock } = await fakeClockMock();
      await addTarget(mock, failing.url);
      startFlowDirectly(mock);
      expect(clock.runNext()).toBe(START);
      await mock.webhooks.idle();
      expect(failing.requests).toHaveLength(1);
      expect(clock.pending()).toEqual([START + 1000]);
      const [before] = await deliveryLog(mock);
      expect(before).toMatchObject({ status: 'pending', attempts: 1 });

      await resetOver(mock, webhookTargets);
      expect(clock.pending()).toEqual([]);
      expect(clock.advance(24 * 3_600_000)).toBe(0);
      await mock.webhooks.idle();
      expect(failing.requests).toHaveLength(1);
      expect(await deliveryLog(mock)).toEqual([]);
    },
  );
});
