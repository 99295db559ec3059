import express, { type Express } from 'express';
import type { MockClock } from '../clock.ts';
import { sendResult } from '../pipeline/router.ts';

export interface AdminHooks {
  readonly clock: MockClock;
  /** Restores every store's seeded snapshot and the clock's start. */
  reset(): void;
  /** What the health check reports beside `status`. */
  info(): Record<string, unknown>;
}

const bad = (message: string) => ({ status: 400, body: { message } });

/** `/__admin/*`: health, reset and the mock clock. */
export function mountAdmin(app: Express, hooks: AdminHooks): void {
  const json = express.json({ limit: '100kb' });
  app.get('/__admin/health', (_req, res) =>
    sendResult(res, { status: 200, body: { status: 'ok', ...hooks.info() } }),
  );
  app.post('/__admin/reset', (_req, res) => {
    hooks.reset();
    sendResult(res, {
      status: 200,
      body: { reset: true, now: new Date(hooks.clock.now()).toISOString() },
    });
  });
  const clockBody = () => ({
    status: 200,
    body: { now: new Date(hooks.clock.now()).toISOString() },
  });
  app.get('/__admin/clock', (_req, res) => sendResult(res, clockBody()));
  app.post('/__admin/clock', json, (req, res) => {
    const body = (req.body ?? {}) as { advance?: unknown; now?: unknown };
    if (typeof body.advance === 'string') {
      try {
        hooks.clock.advance(body.advance);
      } catch {
        return sendResult(
          res,
          bad(
            `"advance" must be an ISO 8601 duration such as PT25H or P1D, got ${JSON.stringify(body.advance)}`,
          ),
        );
      }
    } else if (typeof body.now === 'string') {
      const t = new Date(body.now).getTime();
      if (Number.isNaN(t))
        return sendResult(
          res,
          bad(`"now" must be an ISO 8601 date-time, got ${JSON.stringify(body.now)}`),
        );
      hooks.clock.set(t);
    } else {
      return sendResult(res, bad('send {"advance": "PT25H"} or {"now": "2025-01-01T00:00:00Z"}'));
    }
    sendResult(res, clockBody());
  });
}
