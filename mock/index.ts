/**
 * churnmock's programmatic API (`import { startMock } from 'churnmock'`): start a mock of every
 * vendor API in a test suite, steer its clock, wait for its webhooks, reset it, close it.
 */
import type { RequestListener } from 'node:http';
import { parseAsOf } from '../generators/time.ts';
import { loggedRequest } from './admin/control.ts';
import type { LogFormat, LogLevel } from './core/control/log.ts';
import { compileRequestPattern, PatternError } from './core/control/pattern.ts';
import type { ControlPlane } from './core/control/plane.ts';
import { StubError, type StubMapping } from './core/control/stubs.ts';
import { ConfigurationError } from './core/errors.ts';
import {
  DEFAULT_HOST,
  DEFAULT_OPTIONS,
  type DeepPartial,
  type MockOptions,
  type MockOptionsInput,
  type WebhookOptions,
} from './core/options.ts';
import {
  type Snapshot,
  SnapshotError,
  WorldMismatchError,
  type WorldParams,
} from './core/persist/persistence.ts';
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
  LogFormat,
  LogLevel,
  MockOptions,
  ServedApi,
  Snapshot,
  StubMapping,
  VendorOptions,
  WaitForOptions,
  WebhookEvent,
  WebhookOptions,
  WorldParams,
};
export {
  DEFAULT_OPTIONS,
  MAX_WEBHOOK_TARGETS,
  PatternError,
  SnapshotError,
  StubError,
  WorldMismatchError,
};

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
  /**
   * Requests the journal keeps (`mock.requests`, `GET /__admin/requests`), the newest; 0 turns
   * it off. Default 10,000 (and at most 64 MiB in all).
   */
  readonly journalSize?: number;
  /** Journal (and log) the admin API's own calls too; default false. */
  readonly journalAdmin?: boolean;
  /**
   * Keep every write in this directory: durable before the response that reports it, there
   * again on the next start with the same seed, as-of date and scale. Default: memory only.
   */
  readonly dataDir?: string | null;
  /** Empty `dataDir` first instead of refusing one made for another world. */
  readonly resetData?: boolean;
  /**
   * Keep the generated data in this directory and load it on a start with the same seed,
   * as-of date, scale and data version instead of generating it again (a large `scale`
   * starts in seconds). Default: none (always generate).
   */
  readonly dataCache?: string | null;
  /**
   * Start from this snapshot file (what `mock.snapshot()` or `GET /__admin/snapshot` gave);
   * with `dataDir` its writes replace the directory's. Default: none.
   */
  readonly snapshot?: string | null;
  /**
   * An access log of every request (and webhook attempts that failed): `pretty`, `json` (one
   * object a line) or `off` (the default in a test suite). Lines go to `log`, else stderr.
   */
  readonly logFormat?: LogFormat;
  /** The least severe line written: `debug`, `info` (default), `warn`, `error`. */
  readonly logLevel?: LogLevel;
  /** Where start-up steps, the banner and log lines go; nothing is printed without it. */
  readonly log?: (line: string) => void;
}

/** A WireMock request pattern (`{ method, urlPath, headers, bodyPatterns, … }`). */
export type RequestPattern = Readonly<Record<string, unknown>>;

/** A journaled request, as `GET /__admin/requests/find` answers it (WireMock's logged request). */
export type LoggedRequest = ReturnType<typeof loggedRequest>;

/** The request journal: what the app under test sent, searchable by WireMock request patterns. */
export interface RequestJournal {
  /** Journaled requests matching the pattern (`{}`: all), newest first. Throws on a bad pattern. */
  find(pattern?: RequestPattern): LoggedRequest[];
  /** How many journaled requests match the pattern. */
  count(pattern?: RequestPattern): number;
  /** Requests no operation, page or stub took (the mock's 404s and 405s), newest first. */
  unmatched(): LoggedRequest[];
  /** Empties the journal. */
  clear(): void;
}

/** Stub mappings in front of the stateful mock (WireMock's shapes; see `POST /__admin/mappings`). */
export interface StubControl {
  /** Adds a mapping and returns it with its id. Throws on a mapping it cannot take. */
  add(mapping: Readonly<Record<string, unknown>>): StubMapping;
  /** Removes one mapping; false when there is none by that id. */
  remove(id: string): boolean;
  /** Every mapping, in the order they are tried. */
  list(): readonly StubMapping[];
  /** Removes every mapping and resets the scenarios. */
  reset(): void;
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
  /** The request journal (empty, and `find` throwing, with `journalSize: 0`). */
  readonly requests: RequestJournal;
  /** Stub mappings, faults and delays in front of the stateful mock. */
  readonly stubs: StubControl;
  /** The request listener, for mounting the mock into a server of your own. */
  readonly handler: RequestListener;
  /**
   * Every write since the seed, as one versioned JSON value (what `GET /__admin/snapshot`
   * answers): save it, and `restore` it or start with `snapshot: file` to get this state back.
   */
  snapshot(): Snapshot;
  /**
   * Replaces every write with a snapshot's (the seeded state plus its writes; pending webhook
   * deliveries in it go on). Rejects, changing nothing, on a value that is not a snapshot
   * (SnapshotError) or one of another seed, as-of, scale or churnmock version
   * (WorldMismatchError). Resolves once the state is durable (with `dataDir`).
   */
  restore(snapshot: unknown): Promise<void>;
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
  'journalSize',
  'journalAdmin',
  'dataDir',
  'resetData',
  'dataCache',
  'snapshot',
  'logFormat',
  'logLevel',
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

/** The journal's programmatic side; `find` and `count` throw a PatternError on a bad pattern. */
function requestJournal(control: ControlPlane, vendorOf: (path: string) => string | null) {
  const journal = () => {
    if (!control.journal)
      throw new ConfigurationError('The request journal is off (journalSize: 0)');
    return control.journal;
  };
  return {
    find: (pattern: RequestPattern = {}) =>
      journal()
        .find(compileRequestPattern(pattern))
        .map((e) => loggedRequest(e, vendorOf)),
    count: (pattern: RequestPattern = {}) => journal().count(compileRequestPattern(pattern)),
    unmatched: () =>
      journal()
        .unmatched()
        .map((e) => loggedRequest(e, vendorOf)),
    clear: () => control.journal?.clear(),
  } satisfies RequestJournal;
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
    { progress: log, ...(log ? { logSink: (line: string) => log(line.replace(/\n$/, '')) } : {}) },
  );
  const { mock, url, apis } = listening;
  const dispatcher = mock.webhooks;
  if (log) log(`churnmock listening on ${url} (${apis.map((a) => a.title).join(', ')})`);
  const now = () => new Date(mock.clock.now()).toISOString();
  const vendorOf = (path: string) => mock.vendorOf(path);
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
    requests: requestJournal(mock.control, vendorOf),
    stubs: {
      add: (mapping) => mock.control.stubs.add(mapping),
      remove: (id) => mock.control.stubs.remove(id),
      list: () => mock.control.stubs.list(),
      reset: () => mock.control.stubs.reset(),
    },
    handler: mock.app,
    snapshot: () => mock.snapshot(),
    restore: (snapshot) => mock.restore(snapshot),
    async reset(o) {
      mock.reset(o);
    },
    close: () => listening.close(),
  };
}
