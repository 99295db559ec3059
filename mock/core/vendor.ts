import type { Server } from 'node:http';
import type { Command, Option } from 'commander';
import type { Express } from 'express';
import type { DataCodec } from './data-cache.ts';
import type { PersistentPart } from './persist/part.ts';
import type { VendorModule } from './pipeline/types.ts';
import type { StateTable } from './provider-state.ts';
import type { MockClock } from './time/clock.ts';
import type { Scheduler } from './time/scheduler.ts';
import type { WebhookDispatcher, WebhookEvent } from './webhooks/dispatcher.ts';

/**
 * What every vendor gets when it is built: the seeded data of the world (`D`, the registry's
 * choice), the one mock clock (the API's "now"), the scheduler (wall time and timers: rate
 * windows, timeouts, durations; fake in tests), the one webhook dispatcher (shared targets and
 * delivery log), and the vendors built before it.
 */
export interface BuildContext<D = unknown> {
  readonly data: D;
  readonly clock: MockClock;
  readonly scheduler: Scheduler;
  readonly webhooks: WebhookDispatcher;
  /** A vendor built earlier in the registry's order; throws when there is none. */
  vendor<I extends VendorInstance>(id: string): I;
}

/** A built vendor: what the engine serves, resets, lists and prints for it. */
export interface VendorInstance {
  /** The operations of `contracts/<id>.openapi.yaml`; absent for a contract the mock only calls. */
  readonly api?: VendorApi;
  /** Response headers a browser client may read (CORS `Access-Control-Expose-Headers`). */
  readonly exposedHeaders?: readonly string[];
  /**
   * Routes outside the contract (HTML pages) and middleware, mounted before the contract's.
   * Middleware here does not see the GETs the fast path answers (any GET of a path without
   * parameters, cached or not): a check every request needs belongs in the API's `gate`.
   */
  mount?(app: Express): void;
  /** Restores the seeded state (`POST /__admin/reset`, and before every provider state). */
  reset(): void;
  /** Pact provider states, by the names consumers use. */
  readonly states?: StateTable;
  /** Lines of the start-up banner, given the base URL (default: its title and first prefix). */
  banner?(base: string): readonly string[] | Promise<readonly string[]>;
  /**
   * Its webhook events on demand (`POST /__admin/webhooks/trigger`, `churnmock trigger`), by
   * event type: exactly the definition's `webhookEvents`. A trigger builds the event from the
   * seeded world and sends it through the one dispatcher; it changes no state of the vendor.
   */
  readonly triggers?: Readonly<Record<string, Trigger>>;
  /** Its state as writes since the seed (a data directory journals and restores it). */
  readonly persistent?: PersistentPart;
  /** The credentials it takes now (the dashboard and `GET /__admin/apis` show them). */
  credentials?(): readonly Credential[];
}

/** One credential a vendor takes: a key, a secret, and the header a request carries it in. */
export interface Credential {
  /** What it is, in a few words ("API key", "webhook signing secret"). */
  readonly label: string;
  readonly value: string;
  /** The request header that carries it and that header's value, when requests send it. */
  readonly header?: { readonly name: string; readonly value: string };
}

/** A webhook event type a vendor sends, as `churnmock trigger --list` lists it. */
export interface WebhookEventInfo {
  /** The event type, as the payload names it (`cancellation.retained`). */
  readonly event: string;
  /** What it says happened, in a few words. */
  readonly summary: string;
}

/** What a trigger is asked for (the body of `POST /__admin/webhooks/trigger` less `event`). */
export interface TriggerInput {
  /** The seeded customer the event is about; default: one suitable for the event. */
  readonly customerId?: string;
  /** Deep-merged over the built payload's `data` (objects merge, anything else replaces). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A trigger that could not build its event (an unknown customer: 404); nothing was sent. */
export interface TriggerRefusal {
  readonly refused: 400 | 404 | 409;
  readonly message: string;
}

/** A triggered event: the customer it was built for and the event the dispatcher queued. */
export interface Triggered {
  readonly customerId: string;
  readonly event: WebhookEvent;
}

/** Builds one event type on demand and sends it; or refuses, sending nothing. */
export type Trigger = (input: TriggerInput) => Triggered | TriggerRefusal;

/** A vendor's served API: the pipeline's view of it, the contract file coming from the id. */
export type VendorApi = Omit<VendorModule, 'contractFile' | 'name'> & { readonly name?: string };

/** How a vendor's options come from the command line (flags are `serve`'s). */
export interface VendorCli<O> {
  readonly options: readonly Option[];
  /** The vendor's options from commander's parsed flags (camel-cased names). */
  read(flags: Readonly<Record<string, unknown>>): Partial<O>;
}

/** One ready-made request: a path with its query, and the headers it needs. */
export interface SampleRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The pact a vendor's contract is verified through (`churnmock verify pact --provider`). */
export interface PactInfo {
  /** The provider name in the pact (what `--provider` takes). */
  readonly provider: string;
  /** The consumer that wrote the pact. */
  readonly consumer: string;
  /** The provider's signature is in the request body (the Customer Data Endpoint). */
  readonly signed: boolean;
  /** How the provider is named in reports when it differs from the vendor's title. */
  readonly title?: string;
}

/**
 * One vendor API: everything the engine, the admin API, the CLI, `generate`, the pact
 * verifier and the tests need, in one object. `id` is the base name of its contract
 * (`contracts/<id>.openapi.yaml`) and of its folder (`mock/vendors/<id>/`).
 */
export interface VendorDefinition<
  D = unknown,
  O = unknown,
  I extends VendorInstance = VendorInstance,
> {
  readonly id: string;
  /** Its name as people read it ("Acme Retention API"). */
  readonly title: string;
  readonly defaults: O;
  /** Its OpenAPI contract; default `contracts/<id>.openapi.yaml` (a test's fixture may differ). */
  readonly contract?: string;
  readonly cli?: VendorCli<O>;
  /** Extra top-level commands (`churnmock jwt`), writing through `io`. */
  commands?(program: Command, io: CliIo): void;
  readonly pact?: PactInfo;
  /** A representative GET of its main list with the demo credentials (the bench loads it). */
  readonly sample?: SampleRequest;
  /**
   * The webhook event types it sends, each triggerable on demand (its instance's `triggers`
   * has exactly these); known without building it (`churnmock trigger --list`).
   */
  readonly webhookEvents?: readonly WebhookEventInfo[];
  /** Builds the vendor over the seeded data; absent for a contract the mock only calls. */
  build?(context: BuildContext<D>, options: O): I | Promise<I>;
  /** Its seeded records as `churnmock generate` writes them (JSON lines, one object each). */
  records?(data: D): Iterable<unknown>;
  /** How many records of each kind `records` yields, for `generate`'s summary. */
  counts?(data: D): Readonly<Record<string, number>>;
}

/**
 * Checks a definition and keeps its exact type (the id as a literal, `build`'s instance), so the
 * registry can map ids to instance and option types.
 */
export function defineVendor<
  const Id extends string,
  // biome-ignore lint/suspicious/noExplicitAny: the definition's own types are kept by T
  T extends VendorDefinition<any, any, any>,
>(definition: T & { readonly id: Id }): T & { readonly id: Id } {
  return definition;
}

/**
 * Where the CLI's commands write and how they end: the process's own streams and exit code,
 * or a test's buffers (so a test runs the program in-process).
 */
export interface CliIo {
  /** Writes to standard output (text as given; callers end lines). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** The stream `generate --out -` writes records to. */
  readonly stdout: NodeJS.WritableStream;
  /** The code the program ends with when it ends normally (like `process.exitCode`). */
  exitCode: number | undefined;
  /** Ends the program now with `code` (never returns: the in-process host throws). */
  exit(code: number): never;
  /** Standard error is a terminal (start-up progress is shown). */
  readonly interactive: boolean;
  /** A server `serve` started: the process host stops it on SIGINT/SIGTERM, a test closes it. */
  served(served: Served): void;
}

/** A server `serve` started, and how to stop it. */
export interface Served {
  readonly server: Server;
  /** Stops listening; requests in flight get `graceMs`, then every connection is closed. */
  close(graceMs?: number): Promise<void>;
}

/** The parameters of the seeded world: the same three always give the same data. */
export interface WorldParams {
  readonly seed: number;
  /** Epoch ms of the fixed "now" of the data. */
  readonly asOf: number;
  readonly scale: number;
}

/** A list of vendors and the seeded data they share: what the engine is built from. */
export interface Registry<D = unknown> {
  /**
   * Generates the seeded data every vendor draws from (pure: same params, same data);
   * `progress` hears each part as it is done ("750,000 customers").
   */
  data(params: WorldParams, progress?: (done: string) => void): D;
  /** Records of the shared data itself (customers) for `generate`, before the vendors'. */
  records(data: D): Iterable<unknown>;
  counts(data: D): Readonly<Record<string, number>>;
  /** How the data is written to and read from the data cache (`dataCache`); none: never cached. */
  readonly codec?: DataCodec<D>;
  // biome-ignore lint/suspicious/noExplicitAny: each vendor has options and an instance of its own
  readonly vendors: readonly VendorDefinition<D, any, any>[];
}
