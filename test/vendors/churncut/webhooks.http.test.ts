import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/app.ts';
import { DEFAULT_OPTIONS } from '../../../mock/config.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { freePort, until } from '../../helpers/wait.ts';
import { activeCustomer, ccPost, FLOWS, startFlowFor } from './helpers.ts';

type Verify = (payload: string, signature: string, secret: string) => boolean;

// The vendor's verifyWebhook exactly as seed 001/003 prints it, run unchanged.
const SEED_SOURCE = readFileSync(
  join(import.meta.dirname, 'fixtures', 'verify-webhook.seed.txt'),
  'utf8',
);
const verifyWebhook = new Function('require', `${SEED_SOURCE}\nreturn verifyWebhook;`)(
  createRequire(import.meta.url),
) as Verify;

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

/** A real receiver on 127.0.0.1 that answers with the statuses given, then 200. */
function receiver(port: number, statuses: number[] = []) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      got.push({ headers: req.headers, raw });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  const ready = new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { got, server, ready };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const fastRetries = { ...DEFAULT_OPTIONS.churncut, webhookBackoffMs: 50, webhookMaxAttempts: 12 };

async function startAndAccept(mock: Mock) {
  const c = activeCustomer(mock);
  const flowId = await startFlowFor(mock, c);
  // Delivery is asynchronous: nothing has been attempted when the API answers.
  expect(mock.churncut.webhooks.deliveries().every((d) => d.attempts === 0)).toBe(true);
  expect(mock.churncut.flows.accept(flowId, 'discount').ok).toBe(true);
  return { c, flowId };
}

describe('webhooks', () => {
  it('a receiver down at first gets every event once it is up; verifyWebhook accepts each', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const mock = await customMock({ churncut: { ...fastRetries, webhookUrls: [url] } });
    const { c, flowId } = await startAndAccept(mock);
    await until(() => mock.churncut.webhooks.deliveries().every((d) => d.attempts >= 2));
    const r = receiver(port);
    servers.push(r.server);
    await r.ready;
    await until(() => r.got.length >= 3);
    const events = r.got.map((g) => JSON.parse(g.raw).event);
    expect(events.sort()).toEqual([
      'cancellation.retained',
      'cancellation.started',
      'offer.accepted',
    ]);
    for (const g of r.got) {
      const sig = String(g.headers['x-churncut-signature']);
      expect(verifyWebhook(g.raw, sig, 'whsec_churnmock')).toBe(true);
      expect(g.headers['x-churncut-delivery']).toMatch(/^whd_/);
      expect(g.headers['x-churncut-timestamp']).toMatch(/^\d+$/);
      const body = JSON.parse(g.raw);
      expect(body.data).toMatchObject({
        customer_id: c.id,
        subscription_id: c.sub,
        flow_id: flowId,
      });
    }
    const retained = JSON.parse(
      r.got.find((g) => g.raw.includes('cancellation.retained'))?.raw ?? '{}',
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
    const port = await freePort();
    const r = receiver(port, [500, 503]);
    servers.push(r.server);
    await r.ready;
    const mock = await customMock({ churncut: fastRetries });
    const added = await request(mock.app)
      .post('/__admin/webhooks')
      .send({ url: `http://127.0.0.1:${port}/x` });
    await expectContract('addWebhook', added);
    expect(added.body.urls).toEqual([`http://127.0.0.1:${port}/x`]);
    const c = activeCustomer(mock);
    await ccPost(mock, 'createCancellationFlow', FLOWS, {
      customer_id: c.id,
      subscription_id: c.sub,
      reason: 'other',
      redirect_url: 'https://x.example/',
    });
    await until(() => mock.churncut.webhooks.deliveries()[0]?.status === 'delivered');
    const d = mock.churncut.webhooks.deliveries()[0];
    expect(d?.history.map((h) => h.status_code)).toEqual([500, 503, 200]);
    // The same delivery id on every retry, so receivers can drop duplicates.
    expect(new Set(r.got.map((g) => g.headers['x-churncut-delivery'])).size).toBe(1);
    const last = r.got.at(-1) as Received;
    expect(
      verifyWebhook(last.raw, String(last.headers['x-churncut-signature']), 'whsec_other'),
    ).toBe(false);
  });

  it('a receiver that does not answer in time is retried (timeout), then delivered', async () => {
    const got: string[] = [];
    const hung: import('node:http').ServerResponse[] = [];
    const server = createServer((req, res) => {
      got.push(String(req.headers['x-churncut-delivery']));
      // The first attempt hangs past the mock's timeout; later ones are answered at once.
      if (got.length === 1) hung.push(res);
      else res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const mock = await customMock({
      churncut: {
        ...fastRetries,
        webhookTimeoutMs: 200,
        webhookUrls: [`http://127.0.0.1:${port}/`],
      },
    });
    const c = activeCustomer(mock);
    mock.churncut.flows.start(
      {
        customer_id: c.id,
        subscription_id: c.sub,
        reason: 'other',
        redirect_url: 'https://x.example/',
      },
      'http://127.0.0.1:4010',
    );
    await until(() => mock.churncut.webhooks.deliveries()[0]?.status === 'delivered');
    for (const res of hung) res.destroy();
    const d = mock.churncut.webhooks.deliveries()[0];
    expect(d?.history.map((h) => h.error)).toEqual(['timeout', null]);
    expect(d?.history[0]?.status_code).toBeNull();
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
      churncut: {
        ...fastRetries,
        webhookMaxAttempts: 3,
        webhookUrls: [`http://127.0.0.1:${port}/`],
      },
    });
    const c = activeCustomer(mock);
    mock.churncut.flows.start(
      {
        customer_id: c.id,
        subscription_id: c.sub,
        reason: 'other',
        redirect_url: 'https://x.example/',
      },
      'http://127.0.0.1:4010',
    );
    await until(() => mock.churncut.webhooks.deliveries()[0]?.status === 'failed');
    expect(mock.churncut.webhooks.deliveries()[0]?.attempts).toBe(3);
  });

  // The vendor documents live beside the repository (../shared/seeds), not in it: a clean
  // clone without them skips this check, a workspace with them runs it.
  const seeds = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'seeds');
  it.skipIf(!existsSync(seeds))(
    "the verifyWebhook fixture is the vendor seed's code, so the copy cannot drift",
    () => {
      const fixture = SEED_SOURCE.trim();
      expect(fixture).toMatch(/^const crypto = require\('crypto'\);\s+function verifyWebhook\(/);
      // Seed 003 prints it character for character (indentation included).
      const seed003 = readFileSync(join(seeds, '003_2474f4fa02a1085c.txt'), 'utf8');
      expect(seed003.replace(/\r\n/g, '\n')).toContain(fixture);
      // Seed 001 prints the same code with its layout flattened: equal once whitespace is.
      const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
      const seed001 = readFileSync(join(seeds, '001_388e8a686d622c84.txt'), 'utf8');
      expect(flat(seed001)).toContain(flat(fixture));
    },
  );

  it('the webhook secret is configurable: a mock built with whsec_other signs with it', async () => {
    const port = await freePort();
    const r = receiver(port);
    servers.push(r.server);
    await r.ready;
    const mock = await customMock({
      churncut: {
        ...fastRetries,
        webhookSecret: 'whsec_other',
        webhookUrls: [`http://127.0.0.1:${port}/`],
      },
    });
    await startAndAccept(mock);
    await until(() => r.got.length >= 3);
    for (const g of r.got) {
      const sig = String(g.headers['x-churncut-signature']);
      expect(verifyWebhook(g.raw, sig, 'whsec_other')).toBe(true);
      expect(verifyWebhook(g.raw, sig, 'whsec_churnmock')).toBe(false);
    }
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries).toHaveLength(3);
  });

  it('every event to every target has its own delivery id', async () => {
    const ports = [await freePort(), await freePort()];
    const rs = ports.map((p) => receiver(p));
    for (const r of rs) servers.push(r.server);
    await Promise.all(rs.map((r) => r.ready));
    const mock = await customMock({
      churncut: { ...fastRetries, webhookUrls: ports.map((p) => `http://127.0.0.1:${p}/`) },
    });
    await startAndAccept(mock);
    await until(() => rs.every((r) => r.got.length >= 3));
    const idsOf = (r: (typeof rs)[number]) =>
      r.got.map((g) => String(g.headers['x-churncut-delivery']));
    const all = rs.flatMap(idsOf);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    for (const r of rs) {
      // The three events (started, offer.accepted, retained) reach each target once each.
      expect(r.got.map((g) => JSON.parse(g.raw).event).sort()).toEqual([
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
    const port = await freePort();
    const r = receiver(port);
    servers.push(r.server);
    await r.ready;
    const mock = await customMock({
      churncut: { ...fastRetries, webhookUrls: [`http://127.0.0.1:${port}/`] },
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
    await until(() => r.got.length >= 1);
    const second = await ccPost(mock, 'createCancellationFlow', FLOWS, {
      ...body,
      reason: 'other',
    });
    expect(second.status).toBe(200);
    expect(second.body.data.flow_id).toBe(first.body.data.flow_id);
    // Queuing is synchronous: a second event would already be in the log.
    expect(mock.churncut.webhooks.deliveries()).toHaveLength(1);
    const log = await request(mock.app).get('/__admin/webhooks/deliveries');
    await expectContract('listWebhookDeliveries', log);
    expect(log.body.deliveries.map((d: { event: string }) => d.event)).toEqual([
      'cancellation.started',
    ]);
    // A later event still goes out, and the receiver never saw a second started.
    expect(mock.churncut.flows.cancel(first.body.data.flow_id).ok).toBe(true);
    await until(() => r.got.length >= 2);
    expect(r.got.map((g) => JSON.parse(g.raw).event)).toEqual([
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
