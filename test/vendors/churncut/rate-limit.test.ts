import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../../mock/core/pipeline/types.ts';
import { FakeScheduler } from '../../../mock/core/time/scheduler.ts';
import { RateLimiter } from '../../../mock/vendors/churncut/rate-limit.ts';

// The rate limiter on a fake clock: a fixed 60 s window per key from its first request
// (1000 requests/minute: docs/decisions/003), X-RateLimit-* on every answer, a 429 with Retry-After
// over the limit. The HTTP side (headers on every response) is rate-limit.http.test.ts.

/** Off any second boundary, so that a reset computed in ms instead of s would show. */
const START = Date.parse('2030-01-01T00:00:00.250Z');
const KEY = { authorization: 'Bearer cc_test_key' };

/** The X-RateLimit-* headers of a result as numbers, and the denial's status and Retry-After. */
function read(result: GateResult) {
  const h = new Map<string, string>();
  for (let i = 0; i < result.headers.length; i += 2)
    h.set(result.headers[i] ?? '', result.headers[i + 1] ?? '');
  expect([...h.keys()]).toEqual([
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
  ]);
  const denied = result.denied as { status: number; body: unknown; headers?: object } | null;
  return {
    limit: Number(h.get('x-ratelimit-limit')),
    remaining: Number(h.get('x-ratelimit-remaining')),
    reset: Number(h.get('x-ratelimit-reset')),
    status: denied?.status ?? 200,
    retryAfter: (denied?.headers as Record<string, string> | undefined)?.['retry-after'],
    body: denied?.body,
  };
}

/** Epoch seconds at which a window opened at `start` ends (X-RateLimit-Reset). */
const resetOf = (start: number) => Math.ceil((start + 60_000) / 1000);

describe('RateLimiter (fake clock)', () => {
  it('the window opens at the first request; remaining counts down; reset is its end in s', () => {
    const clock = new FakeScheduler(START);
    const limiter = new RateLimiter(3, true, clock);
    const first = read(limiter.check(KEY));
    expect(first).toMatchObject({ limit: 3, remaining: 2, reset: resetOf(START), status: 200 });
    expect(first.reset).toBe(Date.parse('2030-01-01T00:01:01Z') / 1000);
    clock.advance(20_000);
    expect(read(limiter.check(KEY))).toMatchObject({ remaining: 1, reset: resetOf(START) });
    clock.advance(20_000);
    expect(read(limiter.check(KEY))).toMatchObject({ remaining: 0, reset: resetOf(START) });
  });

  it('over the limit: a 429 envelope with Retry-After, the seconds left in the window', () => {
    const clock = new FakeScheduler(START);
    const limiter = new RateLimiter(2, true, clock);
    limiter.check(KEY);
    limiter.check(KEY);
    clock.advance(30_500);
    const over = read(limiter.check(KEY));
    expect(over).toMatchObject({ status: 429, remaining: 0, reset: resetOf(START) });
    // 29.5 s left, rounded up.
    expect(over.retryAfter).toBe('30');
    expect(over.body).toEqual({
      success: false,
      error: {
        code: 'rate_limit_exceeded',
        message: 'Rate limit of 2 requests per minute exceeded; retry after 30 s',
      },
    });
    // 1 ms before the window ends: still refused, never a Retry-After of 0.
    clock.advance(29_499);
    expect(read(limiter.check(KEY))).toMatchObject({ status: 429, retryAfter: '1' });
  });

  it('a new window opens 60 s after the first request, with the full count again', () => {
    const clock = new FakeScheduler(START);
    const limiter = new RateLimiter(2, true, clock);
    for (let n = 0; n < 3; n++) limiter.check(KEY);
    clock.advance(60_000);
    const fresh = read(limiter.check(KEY));
    expect(fresh).toMatchObject({ status: 200, remaining: 1, reset: resetOf(START + 60_000) });
    // The new window starts at that request, not at a minute boundary.
    clock.advance(1_234);
    expect(read(limiter.check(KEY))).toMatchObject({ status: 200, remaining: 0 });
    expect(read(limiter.check(KEY))).toMatchObject({ status: 429, retryAfter: '59' });
    clock.advance(58_766);
    expect(read(limiter.check(KEY))).toMatchObject({
      status: 200,
      remaining: 1,
      reset: resetOf(START + 120_000),
    });
  });

  it('each key (the Authorization value) has a window of its own', () => {
    const clock = new FakeScheduler(START);
    const limiter = new RateLimiter(1, true, clock);
    expect(read(limiter.check(KEY)).status).toBe(200);
    expect(read(limiter.check(KEY)).status).toBe(429);
    clock.advance(10_000);
    const other = read(limiter.check({ authorization: 'Bearer other' }));
    expect(other).toMatchObject({ status: 200, remaining: 0, reset: resetOf(START + 10_000) });
    // No Authorization at all is one more key.
    expect(read(limiter.check({})).status).toBe(200);
    expect(read(limiter.check({})).status).toBe(429);
  });

  it('enforce=false keeps counting and sending the headers but never refuses', () => {
    const clock = new FakeScheduler(START);
    const limiter = new RateLimiter(2, false, clock);
    const seen = Array.from({ length: 5 }, () => read(limiter.check(KEY)));
    expect(seen.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(seen.map((r) => r.remaining)).toEqual([1, 0, 0, 0, 0]);
    expect(seen.every((r) => r.retryAfter === undefined && r.reset === resetOf(START))).toBe(true);
    clock.advance(60_000);
    expect(read(limiter.check(KEY))).toMatchObject({
      remaining: 1,
      reset: resetOf(START + 60_000),
    });
  });

  it('without a clock it runs on wall time', () => {
    const before = Date.now();
    const { reset } = read(new RateLimiter(5, true).check(KEY));
    expect(reset).toBeGreaterThanOrEqual(resetOf(before));
    expect(reset).toBeLessThanOrEqual(resetOf(Date.now()));
  });
});
