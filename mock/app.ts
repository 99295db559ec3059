import type { RequestListener } from 'node:http';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parseAsOf } from '../generators/time.ts';
import { adminModule } from './admin/index.ts';
import { providerStates } from './admin/states.ts';
import { loadContract } from './core/contract.ts';
import { type MockOptions, type MockOptionsInput, resolveOptions } from './core/options.ts';
import { contractFile } from './core/paths.ts';
import { FastPath } from './core/pipeline/fast-path.ts';
import { sendError } from './core/pipeline/pipeline.ts';
import type { ResponseCache } from './core/pipeline/response-cache.ts';
import { mountVendor } from './core/pipeline/router.ts';
import type { VendorModule } from './core/pipeline/types.ts';
import { MockClock } from './core/time/clock.ts';
import { realScheduler, type Scheduler } from './core/time/scheduler.ts';
import type { Registry, VendorDefinition, VendorInstance } from './core/vendor.ts';
import { WebhookDispatcher } from './core/webhooks/dispatcher.ts';

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
  /** Restores every vendor's seeded state, the clock, the webhooks and the caches. */
  reset(): void;
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
  /** Wall time and timers (webhook retries, rate windows, timeouts); a fake one in tests. */
  scheduler: Scheduler = realScheduler,
): Promise<Mock<D>> {
  const options = resolveOptions(input);
  const asOf = parseAsOf(options.asOf);
  const data = registry.data({ seed: options.seed, asOf, scale: options.scale });
  const clock = new MockClock(asOf);
  const webhooks = new WebhookDispatcher(options.webhooks, scheduler);

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
    if (definition.id in vendors) throw new Error(`Vendor "${definition.id}" is registered twice`);
    const own = options.vendors[definition.id] as object | undefined;
    const instance: VendorInstance = await definition.build(context, {
      ...(definition.defaults as object),
      ...own,
    });
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
  const reset = () => {
    for (const b of built) b.instance.reset();
    webhooks.reset();
    clock.reset();
    for (const c of caches) c.clear();
  };
  const admin = adminModule({
    clock,
    reset,
    webhooks,
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
  app.disable('x-powered-by');
  app.set('etag', false);
  // Browsers may read what a vendor's clients read (paging, rate limits) and what the mock adds.
  const exposed = [
    'X-Churnmock-Ignored-Params',
    ...built.flatMap((b) => b.instance.exposedHeaders ?? []),
  ];
  const fast = new FastPath({
    'access-control-allow-origin': '*',
    'access-control-expose-headers': exposed.join(','),
  });
  app.use(cors({ exposedHeaders: exposed }));
  for (const b of built) b.instance.mount?.(app);
  const modules = [...built.flatMap((b) => (b.module ? [b.module] : [])), admin];
  for (const module of modules) {
    const contract = await loadContract(module.contractFile);
    caches.push(
      mountVendor(app, module, contract, { validateResponses: options.validateResponses }, fast),
    );
  }

  app.use((req: Request, res: Response) => {
    const vendor = moduleFor(modules, req.path);
    sendError(res, vendor, 404, `No route for ${req.method} ${req.path}`);
  });
  // Body-parser failures (malformed JSON, too large) land here: answer in the vendor's shape.
  app.use(
    (
      err: Error & { status?: number; type?: string },
      req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      const message =
        err.type === 'entity.parse.failed'
          ? `Malformed JSON body: ${err.message}`
          : err.type === 'entity.too.large'
            ? 'Request body too large (limit 1 MB)'
            : status === 500
              ? `Internal mock error: ${err.message}`
              : err.message;
      const vendor = moduleFor(modules, req.path);
      sendError(res, vendor, status, message);
    },
  );
  const listener: RequestListener = (req, res) => {
    if (!fast.handle(req, res)) app(req, res);
  };
  return { app: listener, express: app, options, clock, data, webhooks, vendors, built, reset };
}
