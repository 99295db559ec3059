import type { NextFunction, Request, Response } from 'express';
import { sendResult } from '../pipeline/router.ts';
import { CC_MESSAGES, ccError } from './errors.ts';

const WINDOW_MS = 60_000;

interface Window {
  start: number;
  count: number;
}

/**
 * API-NOTES: 1000 requests/minute per key with X-RateLimit-* headers. A fixed window per key
 * (the Authorization value) from its first request. Runs before body parsing and routing, so
 * every ChurnCut response (404s, 405s and malformed-JSON 400s included) carries the headers.
 */
export function rateLimiter(limit: number, enforce: boolean, now: () => number = Date.now) {
  const windows = new Map<string, Window>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.headers.authorization ?? '';
    const t = now();
    let w = windows.get(key);
    if (!w || t >= w.start + WINDOW_MS) {
      if (windows.size > 10_000) windows.clear();
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const reset = Math.ceil((w.start + WINDOW_MS) / 1000);
    res.setHeader('x-ratelimit-limit', String(limit));
    res.setHeader('x-ratelimit-remaining', String(Math.max(0, limit - w.count)));
    res.setHeader('x-ratelimit-reset', String(reset));
    if (enforce && w.count > limit) {
      const wait = Math.max(1, Math.ceil((w.start + WINDOW_MS - t) / 1000));
      res.setHeader('retry-after', String(wait));
      sendResult(res, ccError(429, 'rate_limit_exceeded', CC_MESSAGES.rateLimited(limit, wait)));
      return;
    }
    next();
  };
}
