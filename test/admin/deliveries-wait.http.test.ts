import { createServer, get as httpGet } from 'node:http';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockFrom } from '../../mock/app.ts';
import { FakeScheduler } from '../../mock/core/time/scheduler.ts';
import { type Mock, REGISTRY } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { listen, until } from '../helpers/wait.ts';
import { closeReceivers, type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

// GET /__admin/webhooks/deliveries: the event / status / since filters, and `wait`, the long
// poll, on a fake scheduler (every timer is the test's to run; receivers are real).

const iso = (t: number) => new Date(t).toISOString();
/** The same instant written with a +01:00 offset. */
const plusOneHour = (t: number) => `${iso(t + 3_600_000).slice(0, 19)}+01:00`;

const clock = new FakeScheduler(Date.parse('2030-01-01T00:00:00.000Z'));
let mock: Mock;
let hooks: Receiver;
/** The fake clock's time when the test began. */
let START: number;
beforeAll(async () => {
  mock = (await createMockFrom(
    REGISTRY,
    { webhooks: { backoffMs: 1000, timeoutMs: 5000, maxAttempts: 1 } },
    { scheduler: clock },
  )) as unknown as Mock;
});
afterAll(() => mock.stop());
beforeEach(async () => {
  mock.reset({ webhookTargets: true });
  expect(clock.pending()).toEqual([]);
  clock.advance(60_000);
  START = clock.now();
  // The first attempt is answered 200, the second 500, the rest 200.
  hooks = await startReceiver({ answers: [200, 500] });
  mock.webhooks.addTarget(hooks.url);
});
afterEach(closeReceivers);

async function trigger(event: string) {
  const res = await request(mock.app).post('/__admin/webhooks/trigger').send({ event });
  await expectContract('triggerWebhook', res);
  expect(res.status).toBe(202);
  return res.body.deliveries[0].id as string;
}

async function list(query: string) {
  const res = await request(mock.app).get(`/__admin/webhooks/deliveries${query}`);
  await expectContract('listWebhookDeliveries', res);
  return res;
}

const ids = (res: { body: { deliveries: { id: string }[] } }) =>
  res.body.deliveries.map((d) => d.id);

/** Runs the attempts due now and waits until their answers are recorded. */
async function deliverNow() {
  clock.advance(0);
  await mock.webhooks.idle();
}

/** Starts a long poll (not awaited) and resolves once its wait is on the fake clock. */
async function longPoll(query: string, waitMs: number) {
  const due = clock.now() + waitMs;
  let settled = false;
  const res = list(query).then((r) => {
    settled = true;
    return r;
  });
  await until(() => clock.pending().includes(due));
  return { res, due, settled: () => settled };
}

describe('GET /__admin/webhooks/deliveries filters', () => {
  it('event, status and since (created at or after) keep what matches them all', async () => {
    const a = await trigger('cancellation.started');
    await deliverNow();
    clock.advance(1000);
    const b = await trigger('offer.accepted');
    await deliverNow();
    clock.advance(1000);
    const c = await trigger('session');
    expect(mock.webhooks.deliveries().map((d) => d.status)).toEqual([
      'delivered',
      'failed',
      'pending',
    ]);

    expect(ids(await list(''))).toEqual([a, b, c]);
    expect(ids(await list('?event=offer.accepted'))).toEqual([b]);
    expect(ids(await list('?event=session'))).toEqual([c]);
    expect(ids(await list('?event=cancellation.retained'))).toEqual([]);
    expect(ids(await list('?status=delivered'))).toEqual([a]);
    expect(ids(await list('?status=failed'))).toEqual([b]);
    expect(ids(await list('?status=pending'))).toEqual([c]);
    expect(ids(await list(`?since=${iso(START + 1000)}`))).toEqual([b, c]);
    expect(ids(await list(`?since=${iso(START + 1001)}`))).toEqual([c]);
    expect(ids(await list(`?since=${encodeURIComponent(plusOneHour(START + 1000))}`))).toEqual([
      b,
      c,
    ]);
    expect(ids(await list(`?since=${iso(START)}&status=failed&event=offer.accepted`))).toEqual([b]);
    expect(ids(await list('?event=cancellation.started&status=failed'))).toEqual([]);
    // A wait that something already matches answers at once, no timer set.
    expect(ids(await list('?status=failed&wait=30s'))).toEqual([b]);
    expect(clock.pending()).toEqual([clock.now()]);
  });

  it.each([
    ['?status=done', /status/],
    ['?since=yesterday', /since/],
    ['?since=2030-01-01T23:59:60Z', /since/],
    ['?wait=31s', /^"wait" must be at most 30s \(30000 ms\), got "31s"$/],
    ['?wait=30001', /at most 30s/],
    ['?wait=5m', /wait/],
    ['?wait=-1', /wait/],
    ['?event=', /event/],
  ])('%s is a 400 naming the parameter', async (query, message) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(clock.pending()).toEqual([]);
  });
});

describe('GET /__admin/webhooks/deliveries?wait= (long poll)', () => {
  it('is answered by a delivery triggered during the wait, and leaves no timer', async () => {
    await trigger('cancellation.started');
    const poll = await longPoll('?event=session&wait=10s', 10_000);
    expect(poll.settled()).toBe(false);
    const id = await trigger('session');
    const res = await poll.res;
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([id]);
    // Only the two deliveries' first attempts are on the clock, not the wait.
    expect(clock.pending()).toEqual([START, START]);
  });

  it('is answered when an attempt changes a delivery to the status asked for', async () => {
    const id = await trigger('cancellation.retained');
    const poll = await longPoll('?status=delivered&wait=5s', 5000);
    expect(poll.settled()).toBe(false);
    await deliverNow();
    const res = await poll.res;
    expect(ids(res)).toEqual([id]);
    expect(res.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(clock.pending()).toEqual([]);
  });

  it('a wait nothing answers ends empty when its time is up on the scheduler', async () => {
    await trigger('cancellation.started');
    const poll = await longPoll('?event=cancellation.completed&wait=5000ms', 5000);
    clock.advance(0);
    await mock.webhooks.idle();
    clock.advance(4999);
    await new Promise((r) => setTimeout(r, 50));
    expect(poll.settled()).toBe(false);
    clock.advance(1);
    const res = await poll.res;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deliveries: [] });
    expect(clock.pending()).toEqual([]);
  });

  it('ends when the client goes away: its timer and listener are gone', async () => {
    const server = createServer(mock.app);
    const base = await listen(server);
    try {
      const due = clock.now() + 30_000;
      const req = httpGet(`${base}/__admin/webhooks/deliveries?event=session&wait=30s`);
      req.on('error', () => {});
      await until(() => clock.pending().includes(due));
      req.destroy();
      await until(() => !clock.pending().includes(due));
      expect(clock.pending()).toEqual([]);
      // A delivery later finds nobody waiting, and the mock answers as before.
      await trigger('session');
      expect(ids(await list('?event=session'))).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a reset ends it with an empty list and no timer left', async () => {
    await trigger('cancellation.started');
    const poll = await longPoll('?event=session&wait=30s', 30_000);
    const reset = await request(mock.app).post('/__admin/reset');
    await expectContract('reset', reset);
    const res = await poll.res;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deliveries: [] });
    expect(clock.pending()).toEqual([]);
  });

  it('stopping the mock ends it', async () => {
    const poll = await longPoll('?wait=30s', 30_000);
    mock.stop();
    const res = await poll.res;
    expect(res.body).toEqual({ deliveries: [] });
    expect(clock.pending()).toEqual([]);
  });

  it('several waits at once each get their own answer', async () => {
    const sessions = await longPoll('?event=session&wait=20s', 20_000);
    const started = await longPoll('?event=cancellation.started&wait=10s', 10_000);
    const s = await trigger('session');
    expect(ids(await sessions.res)).toEqual([s]);
    expect(started.settled()).toBe(false);
    clock.advance(10_000);
    expect((await started.res).body).toEqual({ deliveries: [] });
    await mock.webhooks.idle();
    expect(clock.pending()).toEqual([]);
  });
});
