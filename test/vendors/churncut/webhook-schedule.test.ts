import { createHmac } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../mock/core/contract.ts';
import { FakeScheduler } from '../../../mock/core/time/scheduler.ts';
import { compileResponseValidators, makeAjv } from '../../../mock/core/validation.ts';
import { retryDelay, WebhookDispatcher } from '../../../mock/core/webhooks/dispatcher.ts';

// Retry schedule of ChurnCut webhooks: backoffMs·2^(n-1) after the n-th failed attempt,
// capped at 60 s (contract: components/responses/WebhookRejected). The dispatcher runs on a
// fake clock, so every time is exact and nothing waits for real: the clock is moved to the next
// timer, then the test awaits the attempt that timer started (`idle()`). The requests are real,
// to a receiver on 127.0.0.1.

/** Off any second boundary, so that a timestamp header in ms instead of s would show. */
const START = Date.parse('2030-01-01T00:00:00.250Z');
const SECRET = 'whsec_schedule';
const HEADERS = {
  signature: 'X-ChurnCut-Signature',
  delivery: 'X-ChurnCut-Delivery',
  timestamp: 'X-ChurnCut-Timestamp',
} as const;
const PAYLOAD = { event: 'cancellation.started', data: { flow_id: 'flow_1' } };

const iso = (t: number) => new Date(t).toISOString();

interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
}

/** What a receiver does with a request: answer with a status, or hold it (never answer). */
type Answer = number | 'hold';

const servers: Server[] = [];
const held: ServerResponse[] = [];
const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  // Reset first, so that requests failing below schedule nothing.
  for (const d of dispatchers.splice(0)) {
    d.reset();
    for (const res of held.splice(0)) res.destroy();
    await d.idle();
  }
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A receiver on 127.0.0.1 that gives the answers listed, then 200; keeps every request. */
async function receiver(answers: Answer[] = []) {
  const got: Hit[] = [];
  const arrivals = new EventEmitter();
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, raw });
      const answer = answers.shift() ?? 200;
      if (answer === 'hold') held.push(res);
      else {
        res.statusCode = answer;
        res.end('ok');
      }
      arrivals.emit('hit');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  /** Resolves once `n` requests have arrived in all. */
  const received = async (n: number) => {
    while (got.length < n) await once(arrivals, 'hit');
  };
  return { got, received, url: `http://127.0.0.1:${port}/hooks` };
}

/** A URL nothing listens on (connection refused). */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/`;
}

const SIGNING = { secret: SECRET, headers: HEADERS };

/** A dispatcher on a fake clock at START (defaults: the mock's, 8 attempts from 1 s, 5 s timeout). */
function fakeDispatcher(
  urls: string[],
  { maxAttempts = 8, backoffMs = 1000, timeoutMs = 5000 } = {},
) {
  const clock = new FakeScheduler(START);
  const hooks = new WebhookDispatcher({ urls, maxAttempts, backoffMs, timeoutMs }, clock);
  dispatchers.push(hooks);
  /** Moves the clock to the next timer, runs it and awaits the attempt; the time, or null. */
  const step = async (): Promise<number | null> => {
    const at = clock.runNext();
    await hooks.idle();
    return at;
  };
  /** Steps until no timer is left; the times the clock stopped at. */
  const drain = async (): Promise<number[]> => {
    const times: number[] = [];
    for (let at = await step(); at !== null; at = await step()) {
      times.push(at);
      if (times.length > 100) throw new Error('the dispatcher keeps setting timers');
    }
    return times;
  };
  const only = () => {
    const [d, ...others] = hooks.deliveries();
    expect(others).toEqual([]);
    if (!d) throw new Error('no delivery');
    return d;
  };
  return { clock, hooks, step, drain, only };
}

/** A fake dispatcher that has been sent one cancellation.started: `d` is its delivery. */
function sentOnce(urls: string[], options?: Parameters<typeof fakeDispatcher>[1]) {
  const dispatcher = fakeDispatcher(urls, options);
  dispatcher.hooks.send('cancellation.started', PAYLOAD, SIGNING);
  return { ...dispatcher, d: dispatcher.only() };
}

let validateLog: ValidateFunction;
beforeAll(async () => {
  const file = fileURLToPath(
    new URL('../../../contracts/churnmock-admin.openapi.yaml', import.meta.url),
  );
  const op = (await loadContract(file)).operations.find((o) => o.id === 'listWebhookDeliveries');
  const validate = op && compileResponseValidators(makeAjv(false), op).get('200');
  if (!validate) throw new Error('listWebhookDeliveries 200 is not in the admin contract');
  validateLog = validate;
});

/** The delivery log is what GET /__admin/webhooks/deliveries documents. */
function expectLogInContract(hooks: WebhookDispatcher): void {
  const body = JSON.parse(JSON.stringify({ deliveries: hooks.deliveries() }));
  const ok = validateLog(body);
  expect(validateLog.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
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

  it('nothing is sent until the clock moves; the first attempt is due at once', async () => {
    const r = await receiver();
    const { clock, hooks, step, only } = fakeDispatcher([r.url]);
    clock.advance(12_345);
    hooks.send('cancellation.started', PAYLOAD, SIGNING);
    const d = only();
    expect(d).toMatchObject({
      event: 'cancellation.started',
      url: r.url,
      status: 'pending',
      attempts: 0,
      created_at: iso(START + 12_345),
      next_attempt_at: iso(START + 12_345),
      history: [],
    });
    expect(clock.pending()).toEqual([START + 12_345]);
    await hooks.idle();
    expect(r.got).toEqual([]);
    expect(await step()).toBe(START + 12_345);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, next_attempt_at: null });
    expect(d.history).toEqual([{ at: iso(START + 12_345), status_code: 200, error: null }]);
    expect(r.got).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    expectLogInContract(hooks);
  });

  it('each retry is due backoffMs·2^(n-1) after failed attempt n; the same signed request every time', async () => {
    const base = 1500;
    const r = await receiver([500, 503, 500]);
    const { clock, hooks, step, d } = sentOnce([r.url], { backoffMs: base });
    // Attempts at 0, 1.5, 4.5 and 10.5 s: waits of 1.5, 3 and 6 s.
    const times = [0, 1500, 4500, 10_500].map((t) => START + t);
    for (const [i, t] of times.entries()) {
      expect(clock.pending(), `timer of attempt ${i + 1}`).toEqual([t]);
      expect(d.next_attempt_at).toBe(iso(t));
      expect(await step()).toBe(t);
      expect(d.attempts).toBe(i + 1);
      expect(d.history[i]?.at).toBe(iso(t));
    }
    expect(d.history.map((h) => [h.status_code, h.error])).toEqual([
      [500, 'HTTP 500'],
      [503, 'HTTP 503'],
      [500, 'HTTP 500'],
      [200, null],
    ]);
    const at = d.history.map((h) => Date.parse(h.at));
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps).toEqual([base, 2 * base, 4 * base]);
    expect(d).toMatchObject({
      status: 'delivered',
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
    expect(clock.pending()).toEqual([]);
    // One delivery id, one body and its signature on every attempt; each stamped with its time.
    expect(r.got.map((g) => g.headers['x-churncut-delivery'])).toEqual(times.map(() => d.id));
    expect(d.id).toMatch(/^whd_/);
    const raw = JSON.stringify(PAYLOAD);
    const signature = createHmac('sha256', SECRET).update(raw).digest('hex');
    for (const g of r.got) {
      expect(g.raw).toBe(raw);
      expect(g.headers['x-churncut-signature']).toBe(signature);
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.headers['user-agent']).toBe('churnmock-webhooks/1');
    }
    expect(r.got.map((g) => g.headers['x-churncut-timestamp'])).toEqual(
      times.map((t) => String(Math.floor(t / 1000))),
    );
    expectLogInContract(hooks);
  });

  it('the wait doubles up to 60 s and stays there; after maxAttempts the delivery has failed', async () => {
    const { clock, hooks, drain, d } = sentOnce([await deadUrl()], {
      backoffMs: 20_000,
      maxAttempts: 6,
    });
    const times = await drain();
    // Waits of 20, 40, then 60 (not 80, 160, 320) s.
    expect(times).toEqual([0, 20_000, 60_000, 120_000, 180_000, 240_000].map((t) => START + t));
    expect(d.history.map((h) => h.at)).toEqual(times.map(iso));
    expect(d.history.map((h) => [h.status_code, h.error])).toEqual(
      times.map(() => [null, 'ECONNREFUSED']),
    );
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 6,
      last_status_code: null,
      last_error: 'ECONNREFUSED',
      next_attempt_at: null,
    });
    expect(clock.pending()).toEqual([]);
    expectLogInContract(hooks);
  });

  it('a base above the cap: the first retry waits 60 s, not the base', async () => {
    const { clock, hooks, step, d } = sentOnce([await deadUrl()], {
      backoffMs: 100_000,
      maxAttempts: 3,
    });
    expect(await step()).toBe(START);
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: iso(START + 60_000),
    });
    expect(d.history[0]?.error).toBe('ECONNREFUSED');
    expect(clock.pending()).toEqual([START + 60_000]);
    // Not a millisecond early.
    clock.advance(59_999);
    await hooks.idle();
    expect(d.attempts).toBe(1);
    expect(await step()).toBe(START + 60_000);
    expect(d.attempts).toBe(2);
  });

  it('non-2xx answers until the last attempt: failed with the last status, no more requests', async () => {
    const r = await receiver([500, 502, 500, 200]);
    const { clock, drain, d } = sentOnce([r.url], {
      backoffMs: 1000,
      maxAttempts: 3,
    });
    expect(await drain()).toEqual([START, START + 1000, START + 3000]);
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_status_code: 500,
      last_error: 'HTTP 500',
      next_attempt_at: null,
    });
    expect(r.got).toHaveLength(3);
    expect(clock.runAll()).toBe(0);
  });

  it('a request unanswered for timeoutMs (on the clock) times out, and the retry follows the backoff', async () => {
    const r = await receiver(['hold']);
    const { clock, step, d } = sentOnce([r.url], {
      backoffMs: 1000,
      timeoutMs: 5000,
    });
    expect(clock.runNext()).toBe(START);
    await r.received(1);
    // Only the timeout is pending while the request is out.
    expect(clock.pending()).toEqual([START + 5000]);
    expect(d.attempts).toBe(0);
    expect(await step()).toBe(START + 5000);
    expect(d.history).toEqual([{ at: iso(START + 5000), status_code: null, error: 'timeout' }]);
    expect(d.next_attempt_at).toBe(iso(START + 6000));
    expect(clock.pending()).toEqual([START + 6000]);
    expect(await step()).toBe(START + 6000);
    expect(d).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200 });
    expect(r.got).toHaveLength(2);
    // An answer in time clears its timeout: nothing is left on the clock.
    expect(clock.pending()).toEqual([]);
  });

  it('every event to every target: its own delivery, all first attempts due at once', async () => {
    const [a, b] = [await receiver(), await receiver()];
    if (!a || !b) throw new Error('no receivers');
    const { clock, hooks } = fakeDispatcher([a.url, b.url]);
    hooks.send('cancellation.started', PAYLOAD, SIGNING);
    hooks.send('offer.accepted', PAYLOAD, SIGNING);
    expect(clock.pending()).toEqual([START, START, START, START]);
    expect(clock.advance(0)).toBe(4);
    await hooks.idle();
    const log = hooks.deliveries();
    expect(log.map((d) => [d.event, d.url, d.status, d.history[0]?.at])).toEqual([
      ['cancellation.started', a.url, 'delivered', iso(START)],
      ['cancellation.started', b.url, 'delivered', iso(START)],
      ['offer.accepted', a.url, 'delivered', iso(START)],
      ['offer.accepted', b.url, 'delivered', iso(START)],
    ]);
    expect(clock.pending()).toEqual([]);
    expect(new Set(log.map((d) => d.id)).size).toBe(4);
    expect(a.got.map((g) => g.headers['x-churncut-delivery'])).toEqual([log[0]?.id, log[2]?.id]);
  });

  it('reset() cancels pending retries: no attempt after it, however far the clock moves', async () => {
    const r = await receiver([500]);
    const { clock, hooks, step, d } = sentOnce([r.url]);
    expect(await step()).toBe(START);
    expect(d.status).toBe('pending');
    expect(clock.pending()).toEqual([START + 1000]);
    hooks.reset();
    expect(hooks.deliveries()).toEqual([]);
    expect(clock.pending()).toEqual([]);
    expect(clock.advance(3_600_000)).toBe(0);
    await hooks.idle();
    expect(r.got).toHaveLength(1);
    expect(d.attempts).toBe(1);
  });

  it('reset() while a request is out: its outcome is dropped and no retry follows', async () => {
    const r = await receiver(['hold']);
    const { clock, hooks } = fakeDispatcher([r.url]);
    hooks.send('cancellation.started', PAYLOAD, SIGNING);
    const [d] = hooks.deliveries();
    expect(clock.runNext()).toBe(START);
    await r.received(1);
    hooks.reset();
    // The receiver gives up on the request: for the dispatcher, a failed attempt.
    for (const res of held.splice(0)) res.destroy();
    await hooks.idle();
    expect(clock.pending()).toEqual([]);
    expect(d?.attempts).toBe(0);
    expect(clock.runAll()).toBe(0);
    expect(r.got).toHaveLength(1);
    // The dispatcher still works after a reset, on the same clock.
    hooks.send('cancellation.completed', PAYLOAD, SIGNING);
    expect(clock.pending()).toEqual([START]);
  });

  it.each(['reset', 'stop'] as const)(
    '%s() aborts a request in flight at once: its timeout is cleared, nothing recorded or retried',
    async (how) => {
      const r = await receiver(['hold']);
      const { clock, hooks, d } = sentOnce([r.url]);
      expect(clock.runNext()).toBe(START);
      await r.received(1);
      const [res] = held;
      const gone = res ? once(res, 'close') : Promise.reject(new Error('nothing held'));
      expect(clock.pending()).toEqual([START + 5000]);
      hooks[how]();
      // The receiver never answers: the dispatcher lets go of the request itself.
      await gone;
      await hooks.idle();
      expect(clock.pending()).toEqual([]);
      expect(d).toMatchObject({ attempts: 0, history: [] });
      expect(clock.runAll()).toBe(0);
      expect(r.got).toHaveLength(1);
    },
  );
});
