import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { sendResult } from '../../core/pipeline/send.ts';
import type { GateResult, HandlerResult } from '../../core/pipeline/types.ts';
import { type Clock, realScheduler } from '../../core/time/scheduler.ts';
import { ccError, MESSAGES } from './errors.ts';

const WINDOW_MS = 60_000;

interface Window {
  start: number;
  count: number;
  /** X-RateLimit-Reset: the window's end, in epoch seconds. */
  reset: string;
}

/**
 * 1000 requests/minute per key with X-RateLimit-* headers (docs/decisions/003, rate limit). A
 * fixed window per key (the Authorization value) from its first request. `check` counts one
 * request; it runs as the fast path's gate for cached answers and as Express middleware (before
 * body parsing and routing) for the rest, so every ChurnCut response (404s, 405s and
 * malformed-JSON 400s included) carries the headers and each request counts exactly once.
 * Windows run on `clock` (wall time by default, not the mock's as-of date); a reset of the mock
 * and every move of the mock clock clear them.
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #limitText: string;

  constructor(
    private readonly limit: number,
    private readonly enforce: boolean,
    private readonly clock: Clock = realScheduler,
  ) {
    this.#limitText = String(limit);
  }

  /** Counts a request: the headers it gets, and a 429 when over the limit (and enforced). */
  check(headers: IncomingHttpHeaders): GateResult {
    const key = headers.authorization ?? '';
    const t = this.clock.now();
    let w = this.#windows.get(key);
    if (!w || t >= w.start + WINDOW_MS) {
      if (this.#windows.size > 10_000) this.#windows.clear();
      w = { start: t, count: 0, reset: String(Math.ceil((t + WINDOW_MS) / 1000)) };
      this.#windows.set(key, w);
    }
    w.count++;
    const limits = [
      'x-ratelimit-limit',
      this.#limitText,
      'x-ratelimit-remaining',
      String(Math.max(0, this.limit - w.count)),
      'x-ratelimit-reset',
      w.reset,
    ];
    if (!this.enforce || w.count <= this.limit) return { headers: limits, denied: null };
    const wait = Math.max(1, Math.ceil((w.start + WINDOW_MS - t) / 1000));
    const denied = ccError(429, 'rate_limit_exceeded', MESSAGES.rateLimited(this.limit, wait));
    return { headers: limits, denied: { ...denied, headers: { 'retry-after': String(wait) } } };
  }

  /**
   * A 429 as the limiter sends it, for a stub or `Prefer: code=429` that asks for one: the
   * envelope, Retry-After and the limit headers of an exhausted window that resets in a minute.
   */
  exhausted(): HandlerResult {
    const wait = WINDOW_MS / 1000;
    const denied = ccError(429, 'rate_limit_exceeded', MESSAGES.rateLimited(this.limit, wait));
    return {
      ...denied,
      headers: {
        'x-ratelimit-limit': String(this.limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil((this.clock.now() + WINDOW_MS) / 1000)),
        'retry-after': String(wait),
      },
    };
  }

  /** Forgets every window: the next request of each key starts a new one. */
  clear(): void {
    this.#windows.clear();
  }

  /** The same check as Express middleware. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const { headers, denied } = this.check(req.headers);
      for (let i = 0; i < headers.length; i += 2)
        res.setHeader(headers[i] ?? '', headers[i + 1] ?? '');
      if (denied) return void sendResult(res, denied);
      next();
    };
  }
}
