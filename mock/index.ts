/**
 * churnmock's programmatic API (`import { startMock } from 'churnmock'`): start a mock of every
 * vendor API in a test suite, steer its clock, wait for its webhooks, reset it, close it.
 */
import type { RequestListener } from 'node:http';
import { parseAsOf } from '../generators/time.ts';
import { ConfigurationError } from './core/errors.ts';
import {
  DEFAULT_HOST,
  DEFAULT_OPTIONS,
  type DeepPartial,
  type MockOptions,
  type MockOptionsInput,
  type WebhookOptions,
} from './core/options.ts';
import type { ServedApi } from './core/served-api.ts';
import {
  type Attempt,
  type Delivery,
  MAX_WEBHOOK_TARGETS,
  type WaitForOptions,
  type WebhookEvent,
} from './core/webhooks/dispatcher.ts';
import { listenMock } from './listen.ts';
import { REGISTRY } from './registry.ts';
import type { VendorOptions } from './vendor-options.ts';

export type {
  Attempt,
  DeepPartial,
  Delivery,
  MockOptions,
  ServedApi,
  VendorOptions,
  WaitForOptions,
  WebhookEvent,
  WebhookOptions,
};
export { DEFAULT_OPTIONS, MAX_WEBHOOK_TARGETS };

/** The world and server options of `startMock`; each vendor's options by its id beside them. */
export interface StartMockOptions extends VendorOptions {
  /** Port to listen on; 0 (the default) picks a free one (`mock.port` says which). */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Seed of the generated data (default 42). */
  readonly seed?: number;
  /** The fixed "now" of the data and the mock clock's start (default 2025-12-31T00:00:00.000Z). */
  readonly asOf?: string;
  /** Data size: 1 ≈ 7,500 customers and 10,000 sessions (default 1). */
  readonly scale?: number;
  /** Check every response against the contract; a violation becomes a 500 naming it. */
  readonly validateResponses?: boolean;
  /** A token every `/__admin` call must then carry (`X-Churnmock-Admin-Token`); default none. */
  readonly adminToken?: string | null;
  /**
   * Webhook targets and retries (every vendor's events); `urls` holds at most
   * `MAX_WEBHOOK_TARGETS` (20) different URLs (a repeat counts once).
   */
  readonly webhooks?: Partial<WebhookOptions>;
  /** Where start-up steps and the banner go; nothing is printed without it. */
  readonly log?: (line: string) => void;
}

/** The mock clock: the API's "now" (ISO 8601 strings in and out). */
export interface MockClockControl {
  /** The mock's "now". */
  now(): string;
  /**
   * Moves the clock by an ISO 8601 duration (`PT25H`, `P1M`, `-P1D`; the whole string, a
   * fraction only in the smallest of hours, minutes or seconds); returns the new now. Throws,
   * leaving the clock where it was, on anything else or on a move outside the dates a
   * JavaScript Date can hold (years -271821 to 275760).
   */
  advance(duration: string): string;
  /**
   * Sets the clock (an ISO 8601 string, epoch ms or a Date); returns the new now. Throws,
   * leaving the clock where it was, on something that is not a time or is outside Date's range.
   */
  set(time: string | number | Date): string;
}

/** Webhooks the mock sent: targets, deliveries with their attempts, and waiting for one. */
export interface WebhookControl {
  /**
   * Resolves with the oldest event of type `event` (that `where` accepts) no earlier
   * `waitFor` returned, once it is delivered (at once when no target is set, on emission);
   * waits when there is none yet. Rejects with what was seen on timeout (default 5000 ms) or
   * when every delivery failed.
   */
  waitFor(event: string, options?: WaitForOptions): Promise<WebhookEvent>;
  /** Events emitted since start or the last reset, oldest first. */
  events(): readonly WebhookEvent[];
  /** Every delivery since start or the last reset, oldest first, with every attempt. */
  deliveries(): readonly Delivery[];
  /** Current target URLs. */
  targets(): readonly string[];
  /**
   * Adds a target (as `POST /__admin/webhooks` does; one already there is unchanged); kept
   * across resets. Throws, adding nothing, when `MAX_WEBHOOK_TARGETS` (20) are there already.
   */
  addTarget(url: string): void;
  /** Resolves once no delivery attempt is in flight. */
  idle(): Promise<void>;
}

/** What `reset` also restores. */
export interface ResetOptions {
  /** Also drop webhook targets added since start (keeping only `webhooks.urls`). Default false. */
  readonly webhookTargets?: boolean;
}

/** A running mock. */
export interface RunningMock {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The options it runs with, defaults filled in (vendors' by id under `vendors`). */
  readonly options: MockOptions;
  /** Each vendor API served, with its base URL. */
  readonly apis: readonly ServedApi[];
  readonly clock: MockClockControl;
  readonly webhooks: WebhookControl;
  /** The request listener, for mounting the mock into a server of your own. */
  readonly handler: RequestListener;
  /**
   * Restores the seeded state of every vendor (every write undone, rate-limit windows
   * cleared), the clock's start, and empties the webhook delivery and event logs (pending
   * retries are cancelled, requests in flight aborted: no delivery from before the reset is
   * attempted or recorded again). Webhook targets are kept unless `webhookTargets` is true.
   */
  reset(options?: ResetOptions): Promise<void>;
  /** Closes the server and every connection, cancels pending webhook retries and aborts requests in flight. */
  close(): Promise<void>;
}

const WORLD_KEYS = [
  'seed',
  'asOf',
  'scale',
  'validateResponses',
  'webhooks',
  'adminToken',
] as const;
const SERVER_KEYS = ['port', 'host', 'log'] as const;

/** Splits `startMock`'s flat options into the engine's (vendors by id) and the server's. */
function engineOptions(options: StartMockOptions): MockOptionsInput {
  const vendorIds = new Set(REGISTRY.vendors.map((v) => v.id));
  const known = new Set<string>([...WORLD_KEYS, ...SERVER_KEYS]);
  const input: Record<string, unknown> = {};
  const vendors: Record<string, object> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (vendorIds.has(key)) vendors[key] = value as object;
    else if ((WORLD_KEYS as readonly string[]).includes(key)) input[key] = value;
    else if (!known.has(key))
      throw new ConfigurationError(
        `startMock: unknown option "${key}" (options: ${[...known, ...vendorIds].join(', ')})`,
      );
  }
  return { ...input, vendors };
}

/** Epoch ms of what `clock.set` was given; the clock itself refuses a time outside Date's range. */
const toTime = (time: string | number | Date): number => {
  if (typeof time === 'number') return time;
  const t = typeof time === 'string' ? parseAsOf(time) : new Date(time).getTime();
  if (!Number.isFinite(t)) throw new RangeError(`clock.set: not a time: ${String(time)}`);
  return t;
};

/**
 * Starts a mock of every vendor API and resolves once it listens and answers at full speed.
 * Any option left out is the default (vendors' options by id, at any depth). Prints nothing
 * unless `log` is given; installs no process handlers; several may run in one process.
 *
 * ```ts
 * const mock = await startMock({ seed: 42, churncut: { rateLimit: false } });
 * await fetch(`${mock.url}/v1/customers`, { headers: { authorization: 'Bearer cc_test_churnmock' } });
 * await mock.close();
 * ```
 */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const input = engineOptions(options);
  const { log } = options;
  const listening = await listenMock(
    REGISTRY,
    input,
    { port: options.port ?? 0, host: options.host ?? DEFAULT_HOST },
    { progress: log },
  );
  const { mock, url, apis } = listening;
  const dispatcher = mock.webhooks;
  if (log) log(`churnmock listening on ${url} (${apis.map((a) => a.title).join(', ')})`);
  const now = () => new Date(mock.clock.now()).toISOString();
  return {
    url,
    port: listening.port,
    host: listening.host,
    options: mock.options,
    apis,
    clock: {
      now,
      advance(duration) {
        mock.clock.advance(duration);
        return now();
      },
      set(time) {
        mock.clock.set(toTime(time));
        return now();
      },
    },
    webhooks: {
      waitFor: (event, o) => dispatcher.waitFor(event, o),
      events: () => dispatcher.events(),
      deliveries: () => dispatcher.deliveries(),
      targets: () => dispatcher.targets(),
      addTarget: (target) => dispatcher.addTarget(target),
      idle: () => dispatcher.idle(),
    },
    handler: mock.app,
    async reset(o) {
      mock.reset(o);
    },
    close: () => listening.close(),
  };
}
