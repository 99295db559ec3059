import { randomBytes } from 'node:crypto';
import type { Logger } from '../control/log.ts';
import { hmacHex } from '../crypto.ts';
import { ConfigurationError } from '../errors.ts';
import type { PersistentPart, WriteSink } from '../persist/part.ts';
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
  /** Set on a redelivery (`POST /__admin/webhooks/deliveries/{id}/redeliver`): the original's id. */
  readonly redelivery_of?: string;
}

/** Which deliveries a `waitForDeliveries` wants, and how long it waits for one. */
export interface DeliveryWait {
  /** Waits at most this long (ms) for a matching delivery when none matches yet; 0: answers at once. */
  readonly waitMs: number;
  /** Ends the wait early (the client went away), resolving with what matches then. */
  readonly signal?: AbortSignal;
}

/** One event a vendor emitted, with its deliveries (one per target at the time). */
export interface WebhookEvent {
  /** The event type (`cancellation.retained`). */
  readonly event: string;
  /** The JSON payload as sent. */
  readonly payload: unknown;
  /** When it was emitted (wall time, ISO 8601). */
  readonly emitted_at: string;
  /** Its deliveries, one per target; empty when no target was set. */
  readonly deliveries: readonly Delivery[];
}

/** How `waitFor` picks and how long it waits. */
export interface WaitForOptions {
  /** Rejects after this long (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Only events this accepts (default: every event of the type). */
  readonly where?: (event: WebhookEvent) => boolean;
}

const MAX_DELAY_MS = 60_000;
const KEEP = 10_000;

/**
 * The most webhook targets the dispatcher holds (`--webhook-url`, `webhooks.urls`,
 * `POST /__admin/webhooks` and `mock.webhooks.addTarget` together): each event is one delivery
 * per target, so an unbounded list turns one event into as many requests as anyone added.
 */
export const MAX_WEBHOOK_TARGETS = 20;

/**
 * The most of a receiver's answer the dispatcher reads: only its status counts and nothing of
 * the body is kept, so it reads until the body ends or this many bytes are in (the chunk that
 * crosses it is the last one read), then cancels the rest, which closes the connection.
 */
export const MAX_RESPONSE_BYTES = 4096;

/** A target past `MAX_WEBHOOK_TARGETS`: nothing was added. */
export class WebhookTargetLimitError extends ConfigurationError {
  override name: string = 'WebhookTargetLimitError';
}

const overTheCap = (what: string) =>
  new WebhookTargetLimitError(
    `Webhook targets are capped at ${MAX_WEBHOOK_TARGETS} (each event is one delivery per target): ${what}`,
  );

/** `urls` without repeats, in order; throws when more than `MAX_WEBHOOK_TARGETS` are left. */
function targetList(urls: readonly string[]): string[] {
  const unique = [...new Set(urls)];
  if (unique.length > MAX_WEBHOOK_TARGETS)
    throw overTheCap(`${unique.length} different URLs were given`);
  return unique;
}

/**
 * Reads `body` until it ends or `max` bytes are in, then cancels the rest (the request's
 * connection is closed rather than drained); resolves with the bytes read. Never rejects: a
 * body cut by an abort or a broken connection does not change what the status said.
 */
export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  max: number = MAX_RESPONSE_BYTES,
): Promise<number> {
  if (!body) return 0;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read < max) {
      const { done, value } = await reader.read();
      if (done) return read;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // Aborted (timeout, reset, stop) or cut off: the status is what counts.
  }
  return read;
}

/** An event as the journal stores it: enough to deliver it again, with the same ids. */
interface StoredEvent {
  readonly event: string;
  readonly payload: unknown;
  readonly emitted_at: string;
  readonly body: string;
  readonly sign: Signing;
  readonly deliveries: readonly {
    readonly id: string;
    readonly url: string;
    readonly created_at: string;
  }[];
}

/** What a delivery was made of, kept to send it again (redelivery). */
interface Source {
  readonly body: string;
  readonly sign: Signing;
  readonly emitted: WebhookEvent;
}

interface Waiter {
  readonly type: string;
  readonly accept: (e: WebhookEvent) => boolean;
  settle(e: WebhookEvent, error?: string): void;
}

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
export class WebhookDispatcher implements PersistentPart {
  #targets: string[];
  #sink: WriteSink | null = null;
  #deliveries: Delivery[] = [];
  /** Emitted events since start or the last reset (bounded), oldest first. */
  #events: WebhookEvent[] = [];
  /** Events a `waitFor` already returned (each is returned once). */
  readonly #taken = new WeakSet<WebhookEvent>();
  readonly #waiters = new Set<Waiter>();
  /** Timers of attempts not yet started. */
  readonly #timers = new Set<TimerHandle>();
  /** Attempts started and not yet recorded. */
  readonly #inFlight = new Set<Promise<void>>();
  /** The abort of each request in flight: a reset or stop ends them at once. */
  readonly #requests = new Set<AbortController>();
  /** The body, signing and event of each delivery in the log, for a redelivery. */
  #sources = new WeakMap<Delivery, Source>();
  /** Told of every change of the delivery log (`true`: a reset or stop ended it all). */
  readonly #watchers = new Set<(ended: boolean) => void>();
  #generation = 0;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly scheduler: Scheduler = realScheduler,
    /** Told of each attempt's outcome (the access log's webhook lines). */
    private readonly logger?: Pick<Logger, 'log'>,
  ) {
    this.#targets = targetList(options.urls);
  }

  /** Current target URLs. */
  targets(): readonly string[] {
    return this.#targets;
  }

  /** Events emitted since start or the last reset (at most 10,000), oldest first. */
  events(): readonly WebhookEvent[] {
    return this.#events;
  }

  /**
   * Resolves with the oldest event of type `event` (that `where` accepts) no earlier `waitFor`
   * returned, once it is delivered to a target, or at once when no target was set; waits for
   * it when there is none yet. Rejects when its every delivery failed, or after `timeoutMs`.
   */
  waitFor(event: string, { timeoutMs = 5000, where = () => true }: WaitForOptions = {}) {
    return new Promise<WebhookEvent>((resolve, reject) => {
      const timer = this.scheduler.setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.#events.filter((e) => e.event === event).length;
        reject(
          new Error(
            `No "${event}" webhook${seen ? ' that matched and was delivered' : ''} within ${timeoutMs} ms (${seen} "${event}" event${seen === 1 ? '' : 's'} emitted since start or the last reset; targets: ${this.#targets.join(', ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        type: event,
        accept: where,
        settle: (e, error) => {
          this.scheduler.clearTimeout(timer);
          this.#waiters.delete(waiter);
          this.#taken.add(e);
          if (error) reject(new Error(error));
          else resolve(e);
        },
      };
      this.#waiters.add(waiter);
      for (const e of this.#events) if (this.#offer(e)) return;
    });
  }

  /** Gives `e` to the first waiter that wants it when it is settled; true when one took it. */
  #offer(e: WebhookEvent): boolean {
    if (this.#taken.has(e)) return false;
    const outcome = settled(e);
    if (!outcome) return false;
    for (const w of this.#waiters) {
      if (w.type !== e.event || !w.accept(e)) continue;
      w.settle(e, outcome === 'failed' ? failedMessage(e) : undefined);
      return true;
    }
    return false;
  }

  /**
   * Adds a target (ignored when already present); throws `WebhookTargetLimitError`, adding
   * nothing, when `MAX_WEBHOOK_TARGETS` are there already.
   */
  addTarget(url: string): void {
    if (this.#targets.includes(url)) return;
    if (this.#targets.length >= MAX_WEBHOOK_TARGETS)
      throw overTheCap(`there are ${this.#targets.length} already, ${url} was not added`);
    this.#targets.push(url);
    this.#sink?.('targets', { urls: this.#targets });
  }

  /**
   * Removes a target (a `--webhook-url` one too, until a reset that drops added targets);
   * false, changing nothing, when it is not one. Deliveries already queued to it go on.
   */
  removeTarget(url: string): boolean {
    if (!this.#targets.includes(url)) return false;
    this.#targets = this.#targets.filter((t) => t !== url);
    this.#sink?.('targets', { urls: this.#targets });
    return true;
  }

  /** Every delivery, oldest first (the newest 10,000). */
  deliveries(): readonly Delivery[] {
    return this.#deliveries;
  }

  /**
   * Queues `payload` for every target; returns at once (delivery happens later) with the
   * emitted event and its deliveries. Each vendor signs with its own secret and header names;
   * the targets are every vendor's.
   */
  send(event: string, payload: unknown, sign: Signing): WebhookEvent {
    const body = JSON.stringify(payload);
    const deliveries: Delivery[] = [];
    const emitted_at = new Date(this.scheduler.now()).toISOString();
    const emitted = this.#logEvent({ event, payload, emitted_at }, deliveries);
    for (const url of this.#targets)
      deliveries.push(this.#queue(event, url, { body, sign, emitted }));
    this.#sink?.('event', {
      event,
      payload,
      emitted_at: emitted.emitted_at,
      body,
      sign,
      deliveries: deliveries.map(({ id, url, created_at }) => ({ id, url, created_at })),
    } satisfies StoredEvent);
    this.#offer(emitted);
    this.#changed(false);
    return emitted;
  }

  /** A new delivery of `source` to `url`, logged and scheduled at once (unless `replayed`). */
  #queue(
    event: string,
    url: string,
    source: Source,
    redeliveryOf?: string,
    replayed?: { readonly id: string; readonly created_at: string },
  ): Delivery {
    const d: Delivery = {
      id: replayed?.id ?? `whd_${randomBytes(9).toString('base64url')}`,
      event,
      url,
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: null,
      created_at: replayed?.created_at ?? new Date(this.scheduler.now()).toISOString(),
      history: [],
      ...(redeliveryOf === undefined ? {} : { redelivery_of: redeliveryOf }),
    };
    this.#deliveries.push(d);
    if (this.#deliveries.length > KEEP) this.#deliveries.shift();
    this.#sources.set(d, source);
    if (!replayed) this.#schedule(d, source.body, source.sign, 0, source.emitted);
    return d;
  }

  /**
   * Sends delivery `id`'s event again to its URL as a new delivery (a new id, attempts from 0,
   * `redelivery_of` naming the original; retried like any), as GitHub redelivers: the same
   * body, signed the same way, a fresh timestamp on each attempt. The event's `deliveries`
   * gain it. Null when the log has no such delivery (never sent, or gone with a reset).
   */
  redeliver(id: string): Delivery | null {
    const original = this.#deliveries.find((d) => d.id === id);
    const source = original && this.#sources.get(original);
    if (!original || !source) return null;
    const d = this.#queue(original.event, original.url, source, original.id);
    (source.emitted.deliveries as Delivery[]).push(d);
    this.#sink?.('redelivery', { of: original.id, id: d.id, created_at: d.created_at });
    this.#changed(false);
    return d;
  }

  /**
   * The deliveries `match` accepts, oldest first; when there is none and `waitMs` > 0, waits
   * (on the scheduler) until the log has one (a new delivery, or an attempt that changed a
   * status), the wait is over, `signal` aborts, or a reset or stop ends every wait, and then
   * resolves with what matches (maybe nothing). Leaves no timer or listener behind.
   */
  waitForDeliveries(
    match: (d: Delivery) => boolean,
    { waitMs, signal }: DeliveryWait,
  ): Promise<Delivery[]> {
    const now = this.#deliveries.filter(match);
    if (now.length > 0 || waitMs <= 0 || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = () => {
        this.scheduler.clearTimeout(timer);
        this.#watchers.delete(watcher);
        signal?.removeEventListener('abort', done);
        resolve(this.#deliveries.filter(match));
      };
      const watcher = (ended: boolean) => {
        if (ended || this.#deliveries.some(match)) done();
      };
      const timer = this.scheduler.setTimeout(done, waitMs);
      this.#watchers.add(watcher);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Tells the waits of `waitForDeliveries` that the log changed (`ended`: reset or stop). */
  #changed(ended: boolean): void {
    for (const w of [...this.#watchers]) w(ended);
  }

  /**
   * Resolves once no attempt is in flight: every request started has been answered (or has
   * failed) and its outcome is recorded, the retry it calls for scheduled. Timers of attempts
   * not yet started do not count; with a fake scheduler, move its clock, then await this.
   */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled(this.#inFlight);
  }

  #schedule(d: Delivery, body: string, sign: Signing, delay: number, e: WebhookEvent): void {
    const generation = this.#generation;
    d.next_attempt_at = new Date(this.scheduler.now() + delay).toISOString();
    const timer = this.scheduler.setTimeout(() => {
      this.#timers.delete(timer);
      if (generation !== this.#generation) return;
      const attempt = this.#attempt(d, body, sign, generation, e);
      this.#inFlight.add(attempt);
      void attempt.finally(() => this.#inFlight.delete(attempt));
    }, delay);
    this.#timers.add(timer);
  }

  async #attempt(
    d: Delivery,
    body: string,
    sign: Signing,
    generation: number,
    e: WebhookEvent,
  ): Promise<void> {
    const h = sign.headers;
    let code: number | null = null;
    let error: string | null = null;
    // The timeout covers the whole exchange, the reading of the answer's body included; a
    // reset or stop aborts it too (then nothing is recorded and nothing retried, below).
    const abort = new AbortController();
    this.#requests.add(abort);
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
      // At most a few KB of the answer: a receiver's huge or endless body is cut, not held.
      await readAtMost(res.body);
      if (code < 200 || code >= 300) error = `HTTP ${code}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.message);
    } finally {
      this.scheduler.clearTimeout(timeout);
      this.#requests.delete(abort);
    }
    // A reset while the request was out dropped this delivery: no record, no retry.
    if (generation !== this.#generation) return;
    const at = new Date(this.scheduler.now()).toISOString();
    this.#record(d, at, code, error);
    this.#sink?.('attempt', { id: d.id, at, status_code: code, error });
    const fields = { delivery: d.id, event: d.event, url: d.url, attempt: d.attempts };
    if (error === null) {
      this.logger?.log('info', `webhook ${d.event} delivered to ${d.url} (${code})`, fields);
    } else if (d.status === 'failed') {
      this.logger?.log(
        'warn',
        `webhook ${d.event} to ${d.url} failed for good after ${d.attempts} attempts: ${error}`,
        fields,
      );
    } else {
      this.#schedule(d, body, sign, retryDelay(this.options.backoffMs, d.attempts), e);
      this.logger?.log(
        'warn',
        `webhook ${d.event} to ${d.url} attempt ${d.attempts} failed: ${error}; retrying at ${d.next_attempt_at}`,
        fields,
      );
    }
    this.#offer(e);
    this.#changed(false);
  }

  /** Records one attempt's outcome on the delivery (its status follows from it). */
  #record(d: Delivery, at: string, code: number | null, error: string | null): void {
    d.attempts++;
    d.last_status_code = code;
    d.last_error = error;
    d.history.push({ at, status_code: code, error });
    if (error === null || d.attempts >= this.options.maxAttempts) {
      d.status = error === null ? 'delivered' : 'failed';
      d.next_attempt_at = null;
    }
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a write `persistTo` sent: `targets`, `event`, `redelivery`, `attempt`. Nothing is sent. */
  apply(kind: string, data: unknown): void {
    if (kind === 'targets') this.#targets = targetList((data as { urls: string[] }).urls);
    else if (kind === 'event') this.#restoreEvent(data as StoredEvent);
    else if (kind === 'redelivery') {
      const r = data as { of: string; id: string; created_at: string };
      const original = this.#deliveries.find((d) => d.id === r.of);
      const source = original && this.#sources.get(original);
      if (!original || !source) return; // gone from the bounded log
      const d = this.#queue(original.event, original.url, source, original.id, r);
      (source.emitted.deliveries as Delivery[]).push(d);
    } else if (kind === 'attempt') {
      const a = data as {
        id: string;
        at: string;
        status_code: number | null;
        error: string | null;
      };
      const d = this.#deliveries.find((x) => x.id === a.id);
      if (d) this.#record(d, a.at, a.status_code, a.error);
    } else throw new Error(`journal: unknown webhook write ${kind}`);
  }

  /** Logs an event (the newest KEEP stay); its deliveries are `deliveries`, filled by the caller. */
  #logEvent(e: Omit<WebhookEvent, 'deliveries'>, deliveries: Delivery[]): WebhookEvent {
    const emitted: WebhookEvent = {
      event: e.event,
      payload: e.payload,
      emitted_at: e.emitted_at,
      deliveries,
    };
    this.#events.push(emitted);
    if (this.#events.length > KEEP) this.#events.shift();
    return emitted;
  }

  #restoreEvent(e: StoredEvent): WebhookEvent {
    const deliveries: Delivery[] = [];
    const emitted = this.#logEvent(e, deliveries);
    for (const d of e.deliveries)
      deliveries.push(
        this.#queue(e.event, d.url, { body: e.body, sign: e.sign, emitted }, undefined, d),
      );
    return emitted;
  }

  /** Targets, events with their bodies and signing, and every delivery with its attempts. */
  exportState(): unknown {
    return {
      targets: this.#targets,
      events: this.#events.map((e) => {
        const first = e.deliveries[0];
        const source = first ? this.#sources.get(first) : undefined;
        return {
          event: e.event,
          payload: e.payload,
          emitted_at: e.emitted_at,
          source,
          deliveries: e.deliveries,
        };
      }),
    };
  }

  importState(state: unknown): void {
    const s = state as {
      targets: string[];
      events: {
        event: string;
        payload: unknown;
        emitted_at: string;
        source?: { body: string; sign: Signing };
        deliveries: Delivery[];
      }[];
    };
    this.reset();
    this.#targets = targetList(s.targets);
    for (const e of s.events) {
      const deliveries: Delivery[] = e.deliveries.map((d) => ({ ...d, history: [...d.history] }));
      const emitted = this.#logEvent(e, deliveries);
      for (const d of deliveries) {
        this.#deliveries.push(d);
        const body = e.source?.body ?? JSON.stringify(e.payload);
        if (e.source) this.#sources.set(d, { body, sign: e.source.sign, emitted });
      }
    }
    this.#deliveries.sort((a, b) =>
      a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0,
    );
    while (this.#deliveries.length > KEEP) this.#deliveries.shift();
  }

  /**
   * After a restart: schedules every pending delivery's next attempt (at its `next_attempt_at`,
   * at once if that has passed), with its id and attempt count, so at-least-once survives.
   */
  resume(): void {
    for (const d of this.#deliveries) {
      if (d.status !== 'pending') continue;
      const source = this.#sources.get(d);
      if (!source) continue;
      const at = d.next_attempt_at === null ? this.scheduler.now() : Date.parse(d.next_attempt_at);
      this.#schedule(
        d,
        source.body,
        source.sign,
        Math.max(0, at - this.scheduler.now()),
        source.emitted,
      );
    }
  }

  /**
   * Drops pending retries, aborts the requests in flight, empties the delivery and event logs:
   * no delivery from before it is attempted again, recorded or retried. The targets are kept
   * unless `targets` is true (then they are the configured ones again, admin-added ones dropped).
   */
  reset({ targets = false }: { readonly targets?: boolean } = {}): void {
    this.stop();
    this.#deliveries = [];
    this.#events = [];
    this.#sources = new WeakMap();
    if (targets) this.#targets = targetList(this.options.urls);
  }

  /**
   * Cancels every attempt not yet started and aborts those in flight, recording neither; ends
   * every `waitForDeliveries` wait.
   */
  stop(): void {
    this.#changed(true);
    this.#generation++;
    for (const t of this.#timers) this.scheduler.clearTimeout(t);
    this.#timers.clear();
    for (const request of this.#requests)
      request.abort(new DOMException('The mock was reset or stopped', 'AbortError'));
    this.#requests.clear();
  }
}

/** 'delivered' once one delivery succeeded (or there is none), 'failed' once all failed. */
function settled(e: WebhookEvent): 'delivered' | 'failed' | null {
  if (e.deliveries.length === 0 || e.deliveries.some((d) => d.status === 'delivered'))
    return 'delivered';
  return e.deliveries.every((d) => d.status === 'failed') ? 'failed' : null;
}

function failedMessage(e: WebhookEvent): string {
  const why = e.deliveries.map(
    (d) => `${d.url}: ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, last ${d.last_error}`,
  );
  return `The "${e.event}" webhook was emitted but every delivery failed (${why.join('; ')})`;
}
