import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_WEBHOOK_TARGETS,
  type RunningMock,
  SnapshotError,
  startMock,
  WorldMismatchError,
} from '../../mock/index.ts';
import { expectContract } from '../helpers/contract.ts';
import { freePort } from '../helpers/wait.ts';
import { closeReceivers, startReceiver } from '../helpers/webhook-receiver.ts';

// The programmatic API as a test suite uses it: `startMock` over HTTP, nothing deep-imported.

const CC = { authorization: 'Bearer cc_test_churnmock' };
const running: RunningMock[] = [];

async function start(...args: Parameters<typeof startMock>): Promise<RunningMock> {
  const mock = await startMock(...args);
  running.push(mock);
  return mock;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.close()));
  await closeReceivers();
  vi.restoreAllMocks();
});

async function ccGet(mock: RunningMock, path: string) {
  const res = await fetch(`${mock.url}${path}`, { headers: CC });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** Starts a ChurnCut flow for an active customer and accepts the discount on its page (over HTTP). */
async function retainACustomer(mock: RunningMock): Promise<string> {
  const list = await ccGet(mock, '/v1/customers?status=active&limit=1');
  await expectContract('listCustomers', list);
  const [customer] = (list.body.data as { customers: { id: string; subscription_id: string }[] })
    .customers;
  const res = await fetch(`${mock.url}/v1/cancellation-flows`, {
    method: 'POST',
    headers: { ...CC, 'content-type': 'application/json' },
    body: JSON.stringify({
      customer_id: customer?.id,
      subscription_id: customer?.subscription_id,
      reason: 'too_expensive',
      redirect_url: 'https://app.example/done',
    }),
  });
  const body = (await res.json()) as { data: { flow_id: string } };
  await expectContract('createCancellationFlow', { status: res.status, body });
  expect(res.status).toBe(201);
  const accept = await fetch(`${mock.url}/flow/${body.data.flow_id}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'offer=discount',
    redirect: 'manual',
  });
  expect(accept.status).toBe(303);
  return body.data.flow_id;
}

describe('startMock', () => {
  it('listens on a free port, prints nothing, and lists each API with its base URL', async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const mock = await start();
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.apis.map((a) => a.id)).toEqual([
      'churnkey-data',
      'churnkey-hosted-flow',
      'churncut',
      'rebilly-reports',
    ]);
    expect(mock.apis.find((a) => a.id === 'churncut')?.url).toBe(`${mock.url}/v1`);
    const health = await fetch(`${mock.url}/__admin/health`);
    const body = await health.json();
    await expectContract('getHealth', { status: health.status, body });
    expect(body).toMatchObject({ status: 'ok', seed: 42, scale: 1 });
  });

  it('merges any subset of options over the defaults, vendors by id', async () => {
    const mock = await start({ seed: 7, scale: 0.05, churncut: { rateLimit: 2 } });
    expect(mock.options).toMatchObject({ seed: 7, scale: 0.05, asOf: '2025-12-31T00:00:00.000Z' });
    const first = await ccGet(mock, '/v1/customers?limit=1');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    await ccGet(mock, '/v1/customers?limit=1');
    const third = await ccGet(mock, '/v1/customers?limit=1');
    await expectContract('listCustomers', third);
    expect(third.status).toBe(429);
  });

  it('rateLimit: false keeps the headers and never answers 429', async () => {
    const mock = await start({ scale: 0.05, churncut: { rateLimit: false } });
    for (let i = 0; i < 3; i++)
      expect((await ccGet(mock, '/v1/customers?limit=1')).status).toBe(200);
    const r = await ccGet(mock, '/v1/customers?limit=1');
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
  });

  it('rejects an option it does not know, naming the ones it does', async () => {
    await expect(startMock({ sede: 1 } as never)).rejects.toThrow(
      /unknown option "sede" \(options: seed, asOf, .*churncut/,
    );
  });

  it('runs several mocks in one process, each with its own data and state', async () => {
    const [a, b] = await Promise.all([
      start({ seed: 1, scale: 0.05 }),
      start({ seed: 2, scale: 0.05 }),
    ]);
    expect(a?.port).not.toBe(b?.port);
    const first = async (m: RunningMock) =>
      ((await ccGet(m, '/v1/customers?limit=1')).body.data as { customers: { id: string }[] })
        .customers[0]?.id;
    expect(await first(a as RunningMock)).not.toBe(await first(b as RunningMock));
    a?.clock.advance('P1D');
    expect(b?.clock.now()).toBe('2025-12-31T00:00:00.000Z');
  });

  it('moves and sets the mock clock, which the admin API and the vendors see', async () => {
    const mock = await start({ scale: 0.05 });
    expect(mock.clock.now()).toBe('2025-12-31T00:00:00.000Z');
    expect(mock.clock.advance('PT25H')).toBe('2026-01-01T01:00:00.000Z');
    const clock = await fetch(`${mock.url}/__admin/clock`);
    const body = await clock.json();
    await expectContract('getClock', { status: clock.status, body });
    expect(body).toEqual({ now: '2026-01-01T01:00:00.000Z' });
    expect(mock.clock.set('2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(mock.clock.set(new Date(Date.UTC(2024, 5, 1)))).toBe('2024-06-01T00:00:00.000Z');
    expect(() => mock.clock.set('someday')).toThrow();
    expect(() => mock.clock.advance('soon')).toThrow();
    expect(mock.clock.now()).toBe('2024-06-01T00:00:00.000Z');
  });

  it('clock.advance and clock.set throw a clear error on what the clock cannot hold, and change nothing', async () => {
    const mock = await start({ scale: 0.05 });
    mock.clock.advance('P1D');
    const range =
      '(0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the years an RFC 3339 date-time can write); the clock did not move';
    for (const d of ['P300000Y', '-P300000Y', 'PT99999999999999999999H'])
      expect(() => mock.clock.advance(d)).toThrow(
        `Moving the clock by "${d}" from 2026-01-01T00:00:00.000Z leaves the times it can hold ${range}`,
      );
    for (const d of ['XP1D', 'P1DX', 'P1D1D', 'tomorrow P1D'])
      expect(() => mock.clock.advance(d)).toThrow(`"${d}" is not an ISO 8601 duration`);
    expect(() => mock.clock.advance('P1.5Y')).toThrow(/"P1.5Y" has a fraction of years/);
    expect(() => mock.clock.set(8.64e15)).toThrow(
      `+275760-09-13T00:00:00.000Z is outside the times the clock can hold ${range}`,
    );
    expect(() => mock.clock.set(Number.NaN)).toThrow('Not a time: NaN');
    expect(() => mock.clock.set(new Date(Number.NaN))).toThrow('clock.set: not a time');
    expect(() => mock.clock.set(new Date(Date.UTC(10000, 0, 1)))).toThrow(
      `+010000-01-01T00:00:00.000Z is outside the times the clock can hold ${range}`,
    );
    expect(mock.clock.now()).toBe('2026-01-01T00:00:00.000Z');
    // The admin API and the vendors still read a good clock.
    const clock = await fetch(`${mock.url}/__admin/clock`);
    const body = await clock.json();
    await expectContract('getClock', { status: clock.status, body });
    expect(body).toEqual({ now: '2026-01-01T00:00:00.000Z' });
    const list = await ccGet(mock, '/v1/customers?limit=1');
    await expectContract('listCustomers', list);
    expect(list.status).toBe(200);
  });

  it('reset restores the seeded state, the clock and the rate-limit windows', async () => {
    const mock = await start({ scale: 0.05, churncut: { rateLimit: 1 } });
    await ccGet(mock, '/v1/customers?limit=1');
    expect((await ccGet(mock, '/v1/customers?limit=1')).status).toBe(429);
    mock.clock.advance('P1D');
    expect((await ccGet(mock, '/v1/customers?limit=1')).status).toBe(200);
    expect((await ccGet(mock, '/v1/customers?limit=1')).status).toBe(429);
    await mock.reset();
    expect(mock.clock.now()).toBe('2025-12-31T00:00:00.000Z');
    expect((await ccGet(mock, '/v1/customers?limit=1')).status).toBe(200);
  });

  it('snapshot() saves the writes; restore() and the snapshot option put them back; another world is refused', async () => {
    const a = await start({ scale: 0.05 });
    const flow = await retainACustomer(a);
    a.clock.advance('PT3H');
    const saved = a.snapshot();
    expect(saved.world).toMatchObject({ seed: 42, scale: 0.05 });
    // Detached: later writes do not show in a snapshot taken before them.
    a.clock.advance('P1D');
    expect(a.snapshot().parts.clock).not.toEqual(saved.parts.clock);
    await a.restore(saved);
    expect(a.clock.now()).toBe('2025-12-31T03:00:00.000Z');
    expect((await ccGet(a, `/v1/cancellation-flows/${flow}`)).body.data).toMatchObject({
      status: 'completed',
    });

    const file = join(await mkdtemp(join(tmpdir(), 'churnmock-api-snapshot-')), 'state.json');
    await writeFile(file, JSON.stringify(saved));
    const b = await start({ scale: 0.05, snapshot: file });
    expect(b.clock.now()).toBe('2025-12-31T03:00:00.000Z');
    expect((await ccGet(b, `/v1/cancellation-flows/${flow}`)).status).toBe(200);
    await expect(start({ scale: 0.1, snapshot: file })).rejects.toThrow(
      /was made for seed 42, as-of 2025-12-31T00:00:00.000Z, scale 0.05.*not .*scale 0.1/,
    );
    const c = await start({ scale: 0.1 });
    await expect(c.restore(saved)).rejects.toBeInstanceOf(WorldMismatchError);
    await expect(c.restore({ format: 1 })).rejects.toBeInstanceOf(SnapshotError);
    expect(c.clock.now()).toBe('2025-12-31T00:00:00.000Z');
    await rm(dirname(file), { recursive: true, force: true });
  });

  it('webhook targets are capped at MAX_WEBHOOK_TARGETS: webhooks.urls past it is refused, addTarget past it throws', async () => {
    expect(MAX_WEBHOOK_TARGETS).toBe(20);
    const urls = Array.from({ length: 21 }, (_, i) => `http://127.0.0.1:9/t${i}`);
    await expect(start({ scale: 0.05, webhooks: { urls } })).rejects.toThrow(
      'Webhook targets are capped at 20 (each event is one delivery per target): 21 different URLs were given',
    );
    // A repeat counts once.
    const twenty = urls.slice(0, 20);
    const mock = await start({ scale: 0.05, webhooks: { urls: [...twenty, twenty[3] as string] } });
    expect(mock.webhooks.targets()).toEqual(twenty);
    mock.webhooks.addTarget(twenty[0] as string);
    expect(() => mock.webhooks.addTarget(urls[20] as string)).toThrow(
      `Webhook targets are capped at 20 (each event is one delivery per target): there are 20 already, ${urls[20]} was not added`,
    );
    const res = await fetch(`${mock.url}/__admin/webhooks`);
    const body = (await res.json()) as { urls: string[] };
    await expectContract('listWebhooks', { status: res.status, body });
    expect(body.urls).toEqual(twenty);
  });

  it('reset keeps webhook targets a test added, unless asked; the admin API does the same', async () => {
    const mock = await start({
      scale: 0.05,
      webhooks: { urls: ['http://127.0.0.1:9/configured'] },
    });
    mock.webhooks.addTarget('http://127.0.0.1:9/added');
    await mock.reset();
    expect(mock.webhooks.targets()).toEqual([
      'http://127.0.0.1:9/configured',
      'http://127.0.0.1:9/added',
    ]);
    const keep = await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
    await expectContract('reset', { status: keep.status, body: await keep.json() });
    expect(mock.webhooks.targets()).toHaveLength(2);
    const drop = await fetch(`${mock.url}/__admin/reset?webhookTargets=drop`, { method: 'POST' });
    await expectContract('reset', { status: drop.status, body: await drop.json() });
    expect(mock.webhooks.targets()).toEqual(['http://127.0.0.1:9/configured']);
    mock.webhooks.addTarget('http://127.0.0.1:9/added');
    await mock.reset({ webhookTargets: true });
    expect(mock.webhooks.targets()).toEqual(['http://127.0.0.1:9/configured']);
    const bad = await fetch(`${mock.url}/__admin/reset?webhookTargets=maybe`, { method: 'POST' });
    expect(bad.status).toBe(400);
    await expectContract('reset', { status: bad.status, body: await bad.json() });
  });

  describe('webhooks.waitFor', () => {
    it('resolves on emission when no target is set, each event once', async () => {
      const mock = await start({ scale: 0.05 });
      const flowId = await retainACustomer(mock);
      const ev = await mock.webhooks.waitFor('cancellation.retained', { timeoutMs: 2000 });
      expect(ev.deliveries).toEqual([]);
      expect(ev.payload).toMatchObject({
        event: 'cancellation.retained',
        data: { flow_id: flowId },
      });
      // The same event is not returned twice: the next wait times out.
      await expect(
        mock.webhooks.waitFor('cancellation.retained', { timeoutMs: 100 }),
      ).rejects.toThrow(
        /No "cancellation.retained" webhook .* within 100 ms \(1 "cancellation.retained" event emitted/,
      );
    });

    it('resolves once delivered to a target, and `where` picks the event', async () => {
      const receiver = await startReceiver();
      const mock = await start({ scale: 0.05, webhooks: { urls: [receiver.url] } });
      const waiting = mock.webhooks.waitFor('offer.accepted');
      const flowId = await retainACustomer(mock);
      const ev = await waiting;
      const other = await retainACustomer(mock);
      const picked = await mock.webhooks.waitFor('cancellation.started', {
        where: (e) => (e.payload as { data: { flow_id: string } }).data.flow_id === other,
      });
      expect((picked.payload as { data: { flow_id: string } }).data.flow_id).toBe(other);
      expect(ev.deliveries[0]).toMatchObject({
        status: 'delivered',
        url: receiver.url,
        attempts: 1,
      });
      expect(receiver.requests.some((r) => r.body.includes(flowId))).toBe(true);
      expect(mock.webhooks.deliveries().length).toBeGreaterThanOrEqual(1);
    });

    it('rejects with what happened when every delivery failed', async () => {
      const receiver = await startReceiver({
        handler: (_request, res) => {
          res.statusCode = 500;
          res.end('down');
        },
      });
      const mock = await start({
        scale: 0.05,
        webhooks: { urls: [receiver.url], maxAttempts: 2, backoffMs: 10 },
      });
      const waiting = mock.webhooks.waitFor('cancellation.started');
      await retainACustomer(mock);
      await expect(waiting).rejects.toThrow(
        /"cancellation.started" webhook was emitted but every delivery failed \(.*2 attempts, last HTTP 500\)/,
      );
    });
  });

  it('close ends open connections and the port is free again', async () => {
    const mock = await start({ scale: 0.05 });
    const { port } = mock;
    await fetch(`${mock.url}/__admin/health`, { headers: { connection: 'keep-alive' } });
    await mock.close();
    await expect(fetch(`http://127.0.0.1:${port}/__admin/health`)).rejects.toThrow();
    await mock.close();
    const again = await start({ scale: 0.05, port });
    expect(again.port).toBe(port);
  });

  it('a port in use is a clear error', async () => {
    const mock = await start({ scale: 0.05 });
    await expect(startMock({ scale: 0.05, port: mock.port })).rejects.toThrow(
      `port ${mock.port} is in use; try --port 0`,
    );
    expect(await freePort()).toBeGreaterThan(0);
  });

  it('log hears the start-up steps and where it listens', async () => {
    const lines: string[] = [];
    const mock = await start({ scale: 0.05, log: (l) => lines.push(l) });
    expect(lines[0]).toBe('generating the seeded world (seed 42, scale 0.05)');
    expect(lines).toContain('  generated 375 customers');
    expect(lines).toContain('building ChurnCut API');
    expect(lines.at(-1)).toBe(
      `churnmock listening on ${mock.url} (Churnkey Data API, Churnkey hosted flow simulator, ChurnCut API, Rebilly Reports API)`,
    );
  });
});
