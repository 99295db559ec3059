import { randomBytes } from 'node:crypto';
import { hmacHex } from '../crypto.ts';
import { realScheduler, type Scheduler, type TimerHandle } from '../time/scheduler.ts';

/** Where the dispatcher sends and how it retries (the mock's `webhooks` options). */
export interface DispatcherOptions {
  readonly urls: readonly string[];
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
}

/** How a vendor signs its events: the secret and the header names. */
export interface Signing {
  readonly secret: string;
  /** Header names: signature, delivery id, timestamp. */
  readonly headers: {
    readonly signature: string;
    readonly delivery: string;
    readonly timestamp: string;
  };
}

/** One try of one delivery. */
export interface Attempt {
  readonly at: string;
  readonly status_code: number | null;
  readonly error: string | null;
}

/** One event to one URL, with every attempt so far. */
export interface Delivery {
  readonly id: string;
  readonly event: string;
  readonly url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  readonly created_at: string;
  readonly history: Attempt[];
}

const MAX_DELAY_MS = 60_000;
const KEEP = 10_000;

/** Wait before the retry that follows failed attempt `attempt` (1-based): backoffMs·2^(n-1), capped. */
export function retryDelay(backoffMs: number, attempt: number): number {
  return Math.min(MAX_DELAY_MS, backoffMs * 2 ** (attempt - 1));
}

/**
 * Signed, asynchronous, at-least-once webhook delivery: each event is queued per target and
 * POSTed after the API response is sent; a non-2xx answer, a connection error or a timeout is
 * retried with exponential backoff until `maxAttempts`. Every wait (the first attempt, retries,
 * the per-attempt timeout) and every timestamp comes from `scheduler` (wall time by default).
 */
export class WebhookDispatcher {
  #targets: string[];
  #deliveries: Delivery[] = [];
  /** Timers of attempts not yet started. */
  readonly #timers = new Set<TimerHandle>();
  /** Attempts started and not yet recorded. */
  readonly #inFlight = new Set<Promise<void>>();
  #generation = 0;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly scheduler: Scheduler = realScheduler,
  ) {
    this.#targets = [...options.urls];
  }

  /** Current target URLs. */
  targets(): readonly string[] {
    return this.#targets;
  }

  /** Adds a target (ignored when already present). */
  addTarget(url: string): void {
    if (!this.#targets.includes(url)) this.#targets.push(url);
  }

  /** Every delivery, oldest first. */
  deliveries(): readonly Delivery[] {
    return this.#deliveries;
  }

  /**
   * Queues `payload` for every target; returns at once (delivery happens later). Each vendor
   * signs with its own secret and header names; the targets are every vendor's.
   */
  send(event: string, payload: unknown, sign: Signing): void {
    const body = JSON.stringify(payload);
    for (const url of this.#targets) {
      const d: Delivery = {
        id: `whd_${randomBytes(9).toString('base64url')}`,
        event,
        url,
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        next_attempt_at: null,
        created_at: new Date(this.scheduler.now()).toISOString(),
        history: [],
      };
      this.#deliveries.push(d);
      if (this.#deliveries.length > KEEP) this.#deliveries.shift();
      this.#schedule(d, body, sign, 0);
    }
  }

  /**
   * Resolves once no attempt is in flight: every request started has been answered (or has
   * failed) and its outcome is recorded, the retry it calls for scheduled. Timers of attempts
   * not yet started do not count; with a fake scheduler, move its clock, then await this.
   */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled(this.#inFlight);
  }

  #schedule(d: Delivery, body: string, sign: Signing, delay: number): void {
    const generation = this.#generation;
    d.next_attempt_at = new Date(this.scheduler.now() + delay).toISOString();
    const timer = this.scheduler.setTimeout(() => {
      this.#timers.delete(timer);
      if (generation !== this.#generation) return;
      const attempt = this.#attempt(d, body, sign, generation);
      this.#inFlight.add(attempt);
      void attempt.finally(() => this.#inFlight.delete(attempt));
    }, delay);
    this.#timers.add(timer);
  }

  async #attempt(d: Delivery, body: string, sign: Signing, generation: number): Promise<void> {
    const h = sign.headers;
    let code: number | null = null;
    let error: string | null = null;
    // The timeout covers the whole exchange, the reading of the answer's body included.
    const abort = new AbortController();
    const timeout = this.scheduler.setTimeout(
      () => abort.abort(new DOMException('The webhook request timed out', 'TimeoutError')),
      this.options.timeoutMs,
    );
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // Hex HMAC-SHA256 of the raw body, the scheme of every vendor's webhooks so far
          // (docs/decisions/003 and 006).
          [h.signature]: hmacHex(sign.secret, body),
          [h.delivery]: d.id,
          [h.timestamp]: String(Math.floor(this.scheduler.now() / 1000)),
          'user-agent': 'churnmock-webhooks/1',
        },
        body,
        signal: abort.signal,
      });
      code = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (code < 200 || code >= 300) error = `HTTP ${code}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.message);
    } finally {
      this.scheduler.clearTimeout(timeout);
    }
    // A reset while the request was out dropped this delivery: no record, no retry.
    if (generation !== this.#generation) return;
    d.attempts++;
    d.last_status_code = code;
    d.last_error = error;
    d.history.push({ at: new Date(this.scheduler.now()).toISOString(), status_code: code, error });
    if (error === null) {
      d.status = 'delivered';
      d.next_attempt_at = null;
    } else if (d.attempts >= this.options.maxAttempts) {
      d.status = 'failed';
      d.next_attempt_at = null;
    } else {
      this.#schedule(d, body, sign, retryDelay(this.options.backoffMs, d.attempts));
    }
  }

  /** Drops pending retries, the delivery log and admin-added targets. */
  reset(): void {
    this.#generation++;
    for (const t of this.#timers) this.scheduler.clearTimeout(t);
    this.#timers.clear();
    this.#deliveries = [];
    this.#targets = [...this.options.urls];
  }
}
