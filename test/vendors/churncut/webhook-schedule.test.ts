import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/app.ts';
import { DEFAULT_OPTIONS } from '../../../mock/config.ts';
import { retryDelay } from '../../../mock/core/webhooks/dispatcher.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { until } from '../../helpers/wait.ts';
import { activeCustomer, startFlowFor } from './helpers.ts';

// Retry schedule of ChurnCut webhooks: backoffMs·2^(n-1) after the n-th failed attempt,
// capped at 60 s (contract: components/responses/WebhookRejected).

const servers: Server[] = [];
const mocks: Mock[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  // Drops pending retry timers (some are a minute away).
  for (const m of mocks.splice(0)) m.churncut.webhooks.reset();
});

/** A receiver on 127.0.0.1 that answers with the statuses given, then 200; records delivery ids. */
async function receiver(statuses: number[]) {
  const ids: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['x-churncut-delivery']));
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { ids, url: `http://127.0.0.1:${port}/hooks` };
}

/** A URL nothing listens on (connection refused). */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/`;
}

async function mockWith(options: Partial<typeof DEFAULT_OPTIONS.churncut>): Promise<Mock> {
  const mock = await customMock({
    // A generous timeout, so that a slow first request on a busy machine is not a failure.
    churncut: { ...DEFAULT_OPTIONS.churncut, webhookTimeoutMs: 30_000, ...options },
  });
  mocks.push(mock);
  return mock;
}

const startFlow = (mock: Mock) => startFlowFor(mock, activeCustomer(mock), 'other');

async function deliveryLog(mock: Mock) {
  const log = await request(mock.app).get('/__admin/webhooks/deliveries');
  await expectContract('listWebhookDeliveries', log);
  return log.body.deliveries as {
    id: string;
    status: string;
    attempts: number;
    next_attempt_at: string | null;
    history: { at: string; status_code: number | null; error: string | null }[];
  }[];
}

describe('webhook retry schedule', () => {
  it('retryDelay doubles from the base after each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(1000, n))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ]);
    expect([1, 2, 3].map((n) => retryDelay(40, n))).toEqual([40, 80, 160]);
  });

  it('retryDelay is capped at 60 s', () => {
    expect(retryDelay(1000, 6)).toBe(32_000);
    expect(retryDelay(1000, 7)).toBe(60_000);
    expect(retryDelay(1000, 8)).toBe(60_000);
    expect(retryDelay(1000, 30)).toBe(60_000);
    expect(retryDelay(100_000, 1)).toBe(60_000);
  });

  it('end to end: gaps between attempts grow exponentially; the delivery id never changes', async () => {
    const base = 200;
    const r = await receiver([500, 500, 500]);
    const mock = await mockWith({
      webhookUrls: [r.url],
      webhookBackoffMs: base,
      webhookMaxAttempts: 8,
    });
    await startFlow(mock);
    await until(() => mock.churncut.webhooks.deliveries()[0]?.status === 'delivered', 20_000);
    const [d, ...others] = await deliveryLog(mock);
    expect(others).toEqual([]);
    expect(d?.history.map((h) => h.status_code)).toEqual([500, 500, 500, 200]);
    const at = (d?.history ?? []).map((h) => Date.parse(h.at));
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    const why = `gaps ${gaps.join(', ')} ms`;
    expect(gaps).toHaveLength(3);
    // Nominal 200, 400, 800 ms; request time and a busy machine only add to a gap, so the
    // nominal value is a lower bound (5 ms for timer granularity).
    gaps.forEach((g, i) => {
      expect(g, why).toBeGreaterThanOrEqual(base * 2 ** i - 5);
    });
    // Each gap ~1.6x the one before or more; 50 ms of slack for noise on the earlier gap.
    for (let i = 1; i < gaps.length; i++)
      expect((gaps[i] as number) + 50, why).toBeGreaterThanOrEqual(1.6 * (gaps[i - 1] as number));
    expect(r.ids).toEqual([d?.id, d?.id, d?.id, d?.id]);
  });

  it('end to end: the wait before a retry is capped at 60 s', async () => {
    const mock = await mockWith({
      webhookUrls: [await deadUrl()],
      webhookBackoffMs: 100_000,
      webhookMaxAttempts: 3,
    });
    await startFlow(mock);
    await until(() => mock.churncut.webhooks.deliveries()[0]?.attempts === 1, 20_000);
    const [d] = await deliveryLog(mock);
    expect(d?.status).toBe('pending');
    expect(d?.history[0]?.error).toBe('ECONNREFUSED');
    const wait = Date.parse(d?.next_attempt_at ?? '') - Date.parse(d?.history[0]?.at ?? '');
    // 100 s uncapped; 60 s (plus the few ms between the two clock reads) capped.
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThan(61_000);
  });

  it('end to end: the first retry waits exactly the base', async () => {
    const mock = await mockWith({
      webhookUrls: [await deadUrl()],
      webhookBackoffMs: 20_000,
      webhookMaxAttempts: 3,
    });
    await startFlow(mock);
    await until(() => mock.churncut.webhooks.deliveries()[0]?.attempts === 1, 20_000);
    const [d] = await deliveryLog(mock);
    const wait = Date.parse(d?.next_attempt_at ?? '') - Date.parse(d?.history[0]?.at ?? '');
    expect(wait).toBeGreaterThanOrEqual(20_000);
    expect(wait).toBeLessThan(21_000);
  });
});
