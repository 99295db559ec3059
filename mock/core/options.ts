import { DEFAULT_AS_OF } from '../../generators/time.ts';
import { DEFAULT_JOURNAL_SIZE } from './control/journal.ts';
import type { LogFormat, LogLevel } from './control/log.ts';

/** Where and how webhooks go: one set of targets and retries for every vendor's events. */
export interface WebhookOptions {
  /**
   * Target URLs from `--webhook-url` (`POST /__admin/webhooks` adds more); at most
   * `MAX_WEBHOOK_TARGETS` (20) different ones in all, a repeat counting once.
   */
  readonly urls: readonly string[];
  /** Attempts per delivery, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each time (capped at 60 s). */
  readonly backoffMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
}

/** Everything a mock instance is built from. */
export interface MockOptions {
  readonly seed: number;
  /** The fixed "now" of the data and the mock clock's start (ISO 8601). */
  readonly asOf: string;
  readonly scale: number;
  /** Check every response against the contract; a violation becomes a 500 naming it. */
  readonly validateResponses: boolean;
  readonly webhooks: WebhookOptions;
  /**
   * A token every admin call must carry (`X-Churnmock-Admin-Token` or `Authorization: Bearer`);
   * null: none, and admin calls are taken from loopback names and IP addresses only.
   */
  readonly adminToken: string | null;
  /**
   * Requests the journal keeps (`GET /__admin/requests`), the newest; 0 turns the journal off
   * (`--no-journal`). Bounded by bytes too: JOURNAL_MAX_BYTES.
   */
  readonly journalSize: number;
  /** Journal the admin API's own calls too (`--journal-admin`); they are never stubbed. */
  readonly journalAdmin: boolean;
  /** The access log's format (`--log`): `pretty`, `json` (a line each), or `off`. */
  readonly logFormat: LogFormat;
  /** The least severe line written (`--log-level`). */
  readonly logLevel: LogLevel;
  /**
   * Keep every write in this directory (`--data-dir`): journalled and synced before the
   * response that reports it, replayed over the seeded world on the next start. null: memory only.
   */
  readonly dataDir: string | null;
  /**
   * Load the generated data from this directory when it holds it for the same seed, as-of,
   * scale and data version, else generate and store it there (`--data-cache`; the CLI's
   * default is ~/.cache/churnmock). null: always generate.
   */
  readonly dataCache: string | null;
  /** Empty the data directory first instead of refusing one made for another world. */
  readonly resetData: boolean;
  /**
   * Start from this snapshot file (`--snapshot`, what `GET /__admin/snapshot` downloads): its
   * writes replace the data directory's, if there is one. null: none.
   */
  readonly snapshot: string | null;
  /** Each vendor's options by vendor id; what is left out is the vendor's default. */
  readonly vendors: Readonly<Record<string, unknown>>;
}

/** Options as callers give them: any part left out is the default. */
export type MockOptionsInput = Partial<Omit<MockOptions, 'webhooks' | 'vendors'>> & {
  readonly webhooks?: Partial<WebhookOptions>;
  readonly vendors?: Readonly<Record<string, object | undefined>>;
};

export const DEFAULT_SEED = 42;
export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  urls: [],
  maxAttempts: 8,
  backoffMs: 1000,
  timeoutMs: 5000,
};

export const DEFAULT_OPTIONS: MockOptions = {
  seed: DEFAULT_SEED,
  asOf: DEFAULT_AS_OF,
  scale: 1,
  validateResponses: false,
  webhooks: DEFAULT_WEBHOOK_OPTIONS,
  adminToken: null,
  journalSize: DEFAULT_JOURNAL_SIZE,
  journalAdmin: false,
  logFormat: 'off',
  logLevel: 'info',
  dataDir: null,
  dataCache: null,
  resetData: false,
  snapshot: null,
  vendors: {},
};

/** Any part of `T` may be left out, at any depth (arrays are given whole). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;

/**
 * `over` merged into `base` at every depth: plain objects key by key, anything else (arrays,
 * scalars, null) replacing; keys whose value is `undefined` leave the base's.
 */
export function mergeOptions<T extends object>(base: T, over: unknown): T {
  if (!isPlainObject(over)) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeOptions(b, v) : v;
  }
  return out as T;
}

/** The defaults with `input` over them, at every depth (webhooks field by field, vendors id by id). */
export function resolveOptions(input: MockOptionsInput = {}): MockOptions {
  return mergeOptions(DEFAULT_OPTIONS, input);
}
