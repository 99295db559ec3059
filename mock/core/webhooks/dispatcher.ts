import { randomBytes } from 'node:crypto';
import { signBody } from './sign.ts';

/** How the dispatcher signs and retries. */
export interface DispatcherOptions {
  readonly secret: string;
  readonly urls: readonly string[];
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  /** Header names: signature, delivery id, timestamp. */
  readonly headers: {
    readonly signature: string;
    readonly delivery: string;
    readonly timestamp: string;
  };
}

/** How an event is signed: the secret and the header names. */
export interface Signing {
  readonly secret: string;
  readonly headers: DispatcherOptions['headers'];
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
 * retried with exponential backoff until `maxAttempts`.
 */
export class WebhookDispatcher {
  #targets: string[];
  #deliveries: Delivery[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #generation = 0;

  constructor(private readonly options: DispatcherOptions) {
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
   * Queues `payload` for every target; returns at once (delivery happens later). `signing`
   * overrides the secret and header names (another vendor's events through the same targets).
   */
  send(event: string, payload: unknown, signing?: Signing): void {
    const body = JSON.stringify(payload);
    const sign = signing ?? this.options;
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
        created_at: new Date().toISOString(),
        history: [],
      };
      this.#deliveries.push(d);
      if (this.#deliveries.length > KEEP) this.#deliveries.shift();
      this.#schedule(d, body, sign, 0);
    }
  }

  #schedule(d: Delivery, body: string, sign: Signing, delay: number): void {
    const generation = this.#generation;
    d.next_attempt_at = new Date(Date.now() + delay).toISOString();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (generation === this.#generation) void this.#attempt(d, body, sign);
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }

  async #attempt(d: Delivery, body: string, sign: Signing): Promise<void> {
    const h = sign.headers;
    let code: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [h.signature]: signBody(body, sign.secret),
          [h.delivery]: d.id,
          [h.timestamp]: String(Math.floor(Date.now() / 1000)),
          'user-agent': 'churnmock-webhooks/1',
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      code = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (code < 200 || code >= 300) error = `HTTP ${code}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.message);
    }
    d.attempts++;
    d.last_status_code = code;
    d.last_error = error;
    d.history.push({ at: new Date().toISOString(), status_code: code, error });
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
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#deliveries = [];
    this.#targets = [...this.options.urls];
  }
}
