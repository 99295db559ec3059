import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parseAsOf } from '../generators/time.ts';
import { endLongLivedReserve, reserveLongLived } from '../generators/typed-arrays.ts';
import { describeApis } from './admin/apis.ts';
import { adminAuthenticator } from './admin/guard.ts';
import { ADMIN_PREFIX, adminModule } from './admin/index.ts';
import { providerStates } from './admin/states.ts';
import { type Contract, loadContract } from './core/contract.ts';
import { Logger } from './core/control/log.ts';
import { ControlPlane } from './core/control/plane.ts';
import { dataCacheFile, loadData, saveData } from './core/data-cache.ts';
import { ConfigurationError } from './core/errors.ts';
import {
  type MockOptions,
  type MockOptionsInput,
  mergeOptions,
  resolveOptions,
} from './core/options.ts';
import { contractFile } from './core/paths.ts';
import { attachDataDir, exportParts, worldParams } from './core/persist/attach.ts';
import type { PersistentPart } from './core/persist/part.ts';
import {
  checkSnapshot,
  PERSIST_FORMAT,
  type Persistence,
  type Snapshot,
  SnapshotError,
  WorldMismatchError,
} from './core/persist/persistence.ts';
import { FastPath } from './core/pipeline/fast-path.ts';
import { sendError } from './core/pipeline/pipeline.ts';
import type { ResponseCache } from './core/pipeline/response-cache.ts';
import { bodyTooLarge, mountVendor } from './core/pipeline/router.ts';
import { sendResult } from './core/pipeline/send.ts';
import { markUnmatched } from './core/pipeline/trace.ts';
import type { HandlerResult, VendorModule } from './core/pipeline/types.ts';
import { MockClock } from './core/time/clock.ts';
import { realScheduler, type Scheduler } from './core/time/scheduler.ts';
import type { Registry, VendorDefinition, VendorInstance, WorldParams } from './core/vendor.ts';
import { WebhookDispatcher } from './core/webhooks/dispatcher.ts';
import { triggerTable } from './core/webhooks/trigger.ts';
import { UI_PREFIX, uiHandler } from './ui/index.ts';

/** A built vendor with its definition. */
export interface BuiltVendor {
  readonly definition: VendorDefinition;
  readonly instance: VendorInstance;
  /** What the pipeline serves for it (null for a contract the mock only calls). */
  readonly module: VendorModule | null;
}

/** A running mock's parts, for the CLI, tests and benchmarks. */
export interface Mock<D = unknown, I = Readonly<Record<string, VendorInstance>>> {
  /** The request listener: cached GETs from the fast path, everything else through Express. */
  readonly app: RequestListener;
  /** The Express application behind it. */
  readonly express: Express;
  readonly options: MockOptions;
  readonly clock: MockClock;
  /** The seeded data every vendor was built from. */
  readonly data: D;
  /** Webhook targets, deliveries and retries (every vendor's events). */
  readonly webhooks: WebhookDispatcher;
  /** Each built vendor by id. */
  readonly vendors: I;
  /** The built vendors in the registry's order. */
  readonly built: readonly BuiltVendor[];
  /** The request journal and the stub mappings in front of the pipeline. */
  readonly control: ControlPlane;
  /** The name of the API whose prefix a path is under (the admin API's included), or null. */
  vendorOf(path: string): string | null;
  /**
   * Every part of the state that writes change, by name (`clock`, `webhooks`, `stubs`, and
   * `vendor:<id>` for each vendor that keeps state): what a data directory journals.
   */
  readonly parts: ReadonlyMap<string, PersistentPart>;
  /** The data directory's journal (`dataDir`), or null when state lives in memory only. */
  readonly persistence: Persistence | null;
  /** Every write since the seed, as one versioned value (`GET /__admin/snapshot`). */
  snapshot(): Snapshot;
  /**
   * Replaces every write with a snapshot's (`POST /__admin/snapshot`): the state is the seeded
   * one plus the snapshot's writes, pending webhook deliveries in it go on, and the data
   * directory (if any) then holds exactly that. Throws a SnapshotError (not a snapshot, another
   * format, a part it cannot take) or a WorldMismatchError (another seed, as-of, scale or data
   * version), changing nothing. Resolves once the new state is durable.
   */
  restore(value: unknown, what?: string): Promise<void>;
  /**
   * Restores every vendor's seeded state (rate limits included), the clock, the caches, and
   * empties the webhook delivery and event logs. Webhook targets are kept (a test's receiver
   * stays registered) unless `webhookTargets` is true: then they are the configured ones again.
   */
  reset(options?: ResetOptions): void;
  /** Cancels pending webhook retries (before the process or the test ends). */
  stop(): void;
}

/** What a reset also restores. */
export interface ResetOptions {
  /** Drop the webhook targets added since start (keep only `webhooks.urls`). */
  readonly webhookTargets?: boolean;
}

/** How the engine is run: its timers, and who hears how start-up goes. */
export interface EngineHooks {
  /** Wall time and timers (webhook retries, rate windows, timeouts); a fake one in tests. */
  readonly scheduler?: Scheduler;
  /** Told what start-up is doing, as it goes ("generating the seeded world"). */
  readonly progress?: (step: string) => void;
  /** Where log lines go (`logFormat` other than off); default standard error. */
  readonly logSink?: (line: string) => void;
  /** The journal size past which a data directory is compacted (DEFAULT_COMPACT_BYTES). */
  readonly compactBytes?: number;
  /**
   * Takes the data cache's save (when the data was just generated) instead of the engine
   * awaiting it before the mock resolves: the server runs it once listening, in slices.
   */
  readonly deferDataSave?: (save: DataSave) => void;
}

/** Writes the data cache's file; `pause` is awaited between slices of the encoding. */
export type DataSave = (pause?: () => Promise<void>) => Promise<void>;

/**
 * The registry's data: from the data cache when it has it, else generated; `save` (with a
 * cache, after generating) writes it there, reporting how that went through `progress`. A
 * cache that cannot be used is said through `progress`, else as a line through `warn`.
 */
function seededData<D>(
  registry: Registry<D>,
  params: WorldParams,
  options: MockOptions,
  progress: ((step: string) => void) | undefined,
  warn: (line: string) => void,
): { data: D; save: DataSave | null } {
  const problem = progress ?? ((what: string) => warn(`churnmock: ${what}\n`));
  const dir = options.dataCache;
  const codec = registry.codec;
  if (dir && codec) {
    const cached = loadData(dir, params, codec, (why) =>
      problem(`data cache: ${why}; generating again`),
    );
    if (cached) {
      progress?.(`loaded the seeded data from ${dataCacheFile(dir, params)}`);
      return { data: cached, save: null };
    }
  }
  progress?.(`generating the seeded world (seed ${params.seed}, scale ${params.scale})`);
  const data = registry.data(params, progress && ((done) => progress(`  generated ${done}`)));
  if (!dir || !codec) return { data, save: null };
  const save: DataSave = (pause) =>
    saveData(dir, params, data, codec, pause).then(
      (file) => progress?.(`saved the seeded data to ${file}`),
      // A cache that cannot be written costs the next start the generation, nothing else.
      (e: Error) => problem(`data cache: not saved (${e.message})`),
    );
  return { data, save };
}

function moduleFor(modules: readonly VendorModule[], path: string): VendorModule | undefined {
  return modules.find((v) => v.prefixes.some((p) => path === p || path.startsWith(`${p}/`)));
}

/**
 * Generates the registry's seeded data, builds every vendor over it in the registry's order,
 * and mounts each served contract plus the admin API. Names no vendor: the registry does.
 */
export async function createMockFrom<D>(
  registry: Registry<D>,
  input: MockOptionsInput = {},
  hooks: EngineHooks = {},
): Promise<Mock<D>> {
  const options = resolveOptions(input);
  // A large world's columns and indexes come from one reserve (typed-arrays.ts: longLived),
  // ended once every vendor is built.
  if (options.scale >= LARGE_START_SCALE) reserveLongLived(options.scale * RESERVE_BYTES_PER_SCALE);
  try {
    return await buildMock(registry, options, hooks);
  } finally {
    endLongLivedReserve();
  }
}

/**
 * A large start (~250,000 sessions up): it reserves its long-lived arrays' memory at once, and
 * collects its heap before it listens (listen.ts).
 */
export const LARGE_START_SCALE = 25;
/**
 * Reserved per unit of scale: what the columns and indexes of one unit take (164 MiB at scale
 * 100), with room to spare. Only what is written takes memory.
 */
const RESERVE_BYTES_PER_SCALE = 3 * 1024 * 1024;

async function buildMock<D>(
  registry: Registry<D>,
  options: MockOptions,
  { scheduler = realScheduler, progress, logSink, compactBytes, deferDataSave }: EngineHooks,
): Promise<Mock<D>> {
  const asOf = parseAsOf(options.asOf);
  const sink = logSink ?? ((line: string) => void process.stderr.write(line));
  const { data, save } = seededData(
    registry,
    { seed: options.seed, asOf, scale: options.scale },
    options,
    progress,
    sink,
  );
  const clock = new MockClock(asOf);
  const logger =
    options.logFormat === 'off'
      ? undefined
      : new Logger(options.logFormat, options.logLevel, sink, () => scheduler.now());
  const webhooks = new WebhookDispatcher(options.webhooks, scheduler, logger);

  const vendors: Record<string, VendorInstance> = {};
  const built: BuiltVendor[] = [];
  const context = {
    data,
    clock,
    scheduler,
    webhooks,
    vendor<I extends VendorInstance>(id: string): I {
      const v = vendors[id];
      if (!v) throw new Error(`Vendor "${id}" is not built yet (the registry lists it later)`);
      return v as I;
    },
  };
  for (const definition of registry.vendors) {
    if (!definition.build) continue;
    progress?.(`building ${definition.title}`);
    if (definition.id in vendors) throw new Error(`Vendor "${definition.id}" is registered twice`);
    const own = options.vendors[definition.id] as object | undefined;
    const instance: VendorInstance = await definition.build(
      context,
      mergeOptions(definition.defaults as object, own),
    );
    vendors[definition.id] = instance;
    const module: VendorModule | null = instance.api
      ? {
          ...instance.api,
          name: instance.api.name ?? definition.title,
          contractFile: definition.contract ?? contractFile(definition.id),
        }
      : null;
    built.push({ definition, instance, module });
  }

  const caches: ResponseCache[] = [];
  const vendorOf = (path: string) => moduleFor(modules, path)?.name ?? null;
  // Filled once the contracts are mounted: the vendor whose prefix a path is under.
  let modules: VendorModule[] = [];
  const fast = new FastPath({});
  const control = new ControlPlane({
    logger,
    journalSize: options.journalSize,
    seed: options.seed,
    scheduler,
    mockNow: () => clock.now(),
    vendorFor: (path) => {
      const m = moduleFor(modules, path);
      return m && { name: m.name, stubError: (status, message) => stubError(m, status, message) };
    },
    common: fast.common,
  });
  const parts = statefulParts(built, clock, webhooks, control);
  const world = worldParams(options.seed, asOf, options.scale);
  const persistence = options.dataDir
    ? await attachDataDir(options.dataDir, world, parts, {
        resetData: options.resetData,
        compactBytes,
        warn: (message) =>
          logger
            ? logger.log('warn', message)
            : process.stderr.write(`churnmock: warning: ${message}\n`),
      })
    : null;
  // Detached from the stores (their later writes do not show in it), exactly as downloaded.
  const snapshot = (): Snapshot =>
    JSON.parse(
      JSON.stringify({
        format: PERSIST_FORMAT,
        world,
        seq: persistence?.seq ?? 0,
        parts: exportParts(parts),
      }),
    ) as Snapshot;
  // Async so that a refusal is a rejection; everything up to the write runs at once.
  const restore = async (value: unknown, what = 'the snapshot'): Promise<void> => {
    const s = checkSnapshot(value, world, what);
    const unknown = Object.keys(s.parts).filter((name) => !parts.has(name));
    if (unknown.length)
      throw new SnapshotError(
        `${what} has parts this mock does not keep (${unknown.join(', ')}); it keeps ${[...parts.keys()].join(', ')}`,
      );
    // To go back to should the new one not fit.
    const before = snapshot().parts;
    const load = (state: Snapshot['parts']) => {
      // Parts the snapshot leaves out are the seeded ones.
      for (const b of built) b.instance.reset();
      webhooks.reset({ targets: true });
      clock.reset();
      control.stubs.reset();
      for (const [name, part] of parts) if (name in state) part.importState(state[name]);
      for (const c of caches) c.clear();
      // Its pending deliveries go on, ids and attempt counts kept.
      webhooks.resume();
    };
    const replace = () => {
      try {
        load(s.parts);
      } catch (e) {
        load(before);
        throw new SnapshotError(
          `${what} could not be restored (${(e as Error).message}); nothing changed`,
        );
      }
    };
    if (!persistence) return replace();
    return persistence.replaceAll(replace, () => exportParts(parts));
  };
  if (options.snapshot) {
    const file = options.snapshot;
    try {
      await restore(readSnapshotFile(file), file);
    } catch (e) {
      if (e instanceof SnapshotError || e instanceof WorldMismatchError)
        throw new ConfigurationError(e.message);
      throw e;
    }
  }
  // Deliveries that were pending when the last process ended go on, ids and attempts kept.
  else if (persistence) webhooks.resume();
  const reset = ({ webhookTargets = false }: ResetOptions = {}) => {
    for (const b of built) b.instance.reset();
    webhooks.reset({ targets: webhookTargets });
    clock.reset();
    control.reset();
    for (const c of caches) c.clear();
    // The data directory starts over too: a snapshot of the state now, an empty journal.
    if (persistence) void persistence.compact(() => exportParts(parts)).catch(() => {});
  };
  // Each served contract, once mounted (what `GET /__admin/apis` lists).
  const contracts = new Map<VendorModule, Contract>();
  const admin = adminModule({
    apis: (base) =>
      describeApis(
        built.flatMap((b) => {
          const contract = b.module && contracts.get(b.module);
          return b.module && contract
            ? [
                {
                  id: b.definition.id,
                  title: b.definition.title,
                  prefixes: b.module.prefixes,
                  contract,
                  webhookEvents: b.definition.webhookEvents ?? [],
                  credentials: () => b.instance.credentials?.() ?? [],
                },
              ]
            : [];
        }),
        base,
        options.adminToken,
      ),
    clock,
    reset,
    webhooks,
    triggers: triggerTable(built),
    control,
    vendorOf,
    snapshot,
    restore: (value) => restore(value),
    states: providerStates(
      built.map((b) => ({ api: b.definition.title, states: b.instance.states })),
    ),
    info: () => ({
      seed: options.seed,
      asOf: new Date(asOf).toISOString(),
      scale: options.scale,
      apis: built.filter((b) => b.module).map((b) => b.definition.title),
      memory: {
        heapUsedBytes: process.memoryUsage().heapUsed,
        rssBytes: process.memoryUsage().rss,
      },
    }),
  });

  const app = express();
  // The vendors' paths are exact: `/V1/DATA/SESSIONS` and `/v1/data/sessions/` are unknown
  // paths (404), as the contracts list them; so are /__admin's (set before the first route).
  app.enable('case sensitive routing');
  app.enable('strict routing');
  app.disable('x-powered-by');
  app.set('etag', false);
  // Browsers may read what a vendor's clients read (paging, rate limits, a 429's Retry-After)
  // and what the engine adds: the response cache's ETag (for If-None-Match), ignored params.
  const exposed = [
    ...new Set([
      'ETag',
      'X-Churnmock-Ignored-Params',
      ...built.flatMap((b) => b.instance.exposedHeaders ?? []),
    ]),
  ];
  fast.setCommon({
    'access-control-allow-origin': '*',
    'access-control-expose-headers': exposed.join(','),
  });
  // The vendor APIs answer any origin, as the vendors do; the admin API none (guard.ts).
  const vendorCors = cors({ exposedHeaders: exposed });
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path.startsWith(ADMIN_PREFIX) ? next() : vendorCors(req, res, next),
  );
  for (const b of built) b.instance.mount?.(app);
  modules = [...built.flatMap((b) => (b.module ? [b.module] : [])), admin];
  progress?.(`compiling ${modules.length} contracts`);
  for (const module of modules) {
    const contract = await loadContract(module.contractFile);
    contracts.set(module, contract);
    caches.push(
      mountVendor(
        app,
        module,
        contract,
        { validateResponses: options.validateResponses, scheduler },
        fast,
      ),
    );
  }

  app.use((req: Request, res: Response) => {
    const vendor = moduleFor(modules, req.path);
    markUnmatched(req, vendor?.name ?? null);
    sendError(res, vendor, 404, `No route for ${req.method} ${req.path}`);
  });
  // Body-parser failures (malformed JSON, too large) land here: answer in the vendor's shape.
  app.use(
    (
      err: Error & { status?: number; type?: string; limit?: number },
      req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      const message =
        err.type === 'entity.parse.failed'
          ? `Malformed JSON body: ${err.message}`
          : err.type === 'entity.too.large'
            ? bodyTooLarge(err.limit)
            : status === 500
              ? `Internal mock error: ${err.message}`
              : err.message;
      const vendor = moduleFor(modules, req.path);
      sendError(res, vendor, status, message);
    },
  );
  // Every /__admin call passes the guard first (another origin, a rebinding Host, the token),
  // before the fast path and Express: unknown admin paths and preflights included.
  const guard = adminAuthenticator(options.adminToken);
  // The dashboard's files: the same origin and Host checks, no token (guard.ts says why).
  const assetGuard = adminAuthenticator(options.adminToken, { assets: true });
  const ui = uiHandler({ tokenRequired: options.adminToken !== null });
  const pipeline = (req: IncomingMessage, res: ServerResponse) => {
    if (!fast.handle(req, res)) app(req, res);
  };
  // The admin API is not stubbed (it is how stubs are steered), nor journaled by default.
  const serve: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    // `/` is the dashboard (a person opening the mock's address in a browser).
    if (url === '/' || url.startsWith('/?')) {
      res.writeHead(302, { location: `${UI_PREFIX}/${url.slice(1)}`, 'content-length': 0 });
      return res.end();
    }
    if (url === UI_PREFIX || url.startsWith(`${UI_PREFIX}/`) || url.startsWith(`${UI_PREFIX}?`)) {
      const refused = assetGuard(req.headers);
      if (refused) return sendResult(res, refused);
      return ui(req, res);
    }
    if (req.url?.startsWith(ADMIN_PREFIX)) {
      const refused = guard(req.headers);
      if (refused) return sendResult(res, refused);
      // Journaled only when asked (`--journal-admin`), and never stubbed.
      if (!options.journalAdmin) return pipeline(req, res);
      return control.handle(req, res, () => pipeline(req, res), false);
    }
    control.handle(req, res, () => pipeline(req, res));
  };
  const listener: RequestListener = persistence ? durably(persistence, serve, logger) : serve;
  const stop = () => {
    webhooks.stop();
    control.stop();
  };
  // The data cache's file is whole before the mock is, unless the caller saves it later.
  if (save && deferDataSave) deferDataSave(save);
  else await save?.();
  return {
    app: listener,
    express: app,
    options,
    clock,
    data,
    webhooks,
    vendors,
    built,
    control,
    vendorOf,
    parts,
    persistence,
    snapshot,
    restore,
    reset,
    stop,
  };
}

/** A snapshot file's JSON (`--snapshot`); one that cannot be read is a ConfigurationError. */
function readSnapshotFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigurationError(`--snapshot ${file} cannot be read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigurationError(`--snapshot ${file} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * Holds every response until the writes made so far are on disk, so that a response that
 * reports a write is never sent before the write is durable; when the disk refuses one, the
 * connection is closed instead of claiming success.
 */
function durably(
  persistence: Persistence,
  serve: RequestListener,
  logger?: Logger,
): RequestListener {
  return (req, res) => {
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      if (!persistence.busy) return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      persistence.settled().then(
        () => (end as (...a: unknown[]) => ServerResponse).apply(this, args),
        (err: unknown) => {
          logger?.log('error', `a write could not be made durable: ${(err as Error).message}`);
          res.destroy(err as Error);
        },
      );
      return this;
    } as typeof res.end;
    serve(req, res);
  };
}

/** The parts of the state writes change, in the order a restore applies them. */
function statefulParts(
  built: readonly BuiltVendor[],
  clock: MockClock,
  webhooks: WebhookDispatcher,
  control: ControlPlane,
): ReadonlyMap<string, PersistentPart> {
  const parts = new Map<string, PersistentPart>([['clock', clock]]);
  for (const b of built)
    if (b.instance.persistent) parts.set(`vendor:${b.definition.id}`, b.instance.persistent);
  parts.set('webhooks', webhooks);
  parts.set('stubs', control.stubs);
  return parts;
}

/** A vendor's answer for a stubbed error status: its own, or its envelope alone. */
function stubError(vendor: VendorModule, status: number, message: string): HandlerResult {
  return vendor.stubError?.(status, message) ?? { status, body: vendor.errorBody(status, message) };
}
