import type { RequestListener } from 'node:http';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parseAsOf } from '../generators/time.ts';
import { generateWorld, type World } from '../generators/world.ts';
import { adminModule } from './admin/index.ts';
import { providerStates } from './admin/states.ts';
import type { MockOptions } from './config.ts';
import { loadContract } from './core/contract.ts';
import { FastPath } from './core/pipeline/fast-path.ts';
import type { ResponseCache } from './core/pipeline/response-cache.ts';
import { mountVendor, sendResult } from './core/pipeline/router.ts';
import type { VendorModule } from './core/pipeline/types.ts';
import { MockClock } from './core/time/clock.ts';
import { generateDataset } from './dataset.ts';
import { type ChurnCut, createChurnCut } from './vendors/churncut/setup.ts';
import { churnkeyDataModule } from './vendors/churnkey-data/index.ts';
import { ChurnkeyDataStore } from './vendors/churnkey-data/store.ts';
import { hostedFlowModule } from './vendors/churnkey-hosted-flow/index.ts';
import { mountHostedFlow } from './vendors/churnkey-hosted-flow/page.ts';
import { HostedFlowSimulator } from './vendors/churnkey-hosted-flow/simulator.ts';
import { rebillyReportsModule } from './vendors/rebilly-reports/index.ts';
import type { RebillyReportsStore } from './vendors/rebilly-reports/store.ts';

/** A running mock's parts, for the CLI, tests and benchmarks. */
export interface Mock {
  /** The request listener: cached GETs from the fast path, everything else through Express. */
  readonly app: RequestListener;
  /** The Express application behind it. */
  readonly express: Express;
  readonly clock: MockClock;
  readonly world: World;
  readonly churnkey: ChurnkeyDataStore;
  readonly churncut: ChurnCut;
  readonly rebilly: RebillyReportsStore;
  readonly hostedFlow: HostedFlowSimulator;
  readonly vendors: readonly VendorModule[];
  reset(): void;
}

/** Response headers a browser client may read (Access-Control-Expose-Headers). */
const EXPOSED_HEADERS = [
  'Pagination-Total',
  'Pagination-Limit',
  'Pagination-Offset',
  'X-Churnmock-Ignored-Params',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

function vendorFor(vendors: readonly VendorModule[], path: string): VendorModule | undefined {
  return vendors.find((v) => v.prefixes.some((p) => path === p || path.startsWith(`${p}/`)));
}

/** Generates the seeded world, builds every store and mounts every vendor's contract. */
export async function createMock(options: MockOptions): Promise<Mock> {
  const asOf = parseAsOf(options.asOf);
  // Every vendor's seeded data, the seeds' example people (cus_abc123, jane@example.com) in it:
  // the same dataset `churnmock generate` writes.
  const {
    world,
    churnkey: churnkeyData,
    churncut: churncutStore,
    rebilly,
  } = generateDataset(generateWorld({ seed: options.seed, asOf, scale: options.scale }));
  const clock = new MockClock(asOf);
  const churnkey = new ChurnkeyDataStore(world, churnkeyData);
  const churncut = createChurnCut(churncutStore, clock, options.churncut);
  // Churnkey's hosted flow: its sessions land in the Data API store, its webhook goes to the
  // same targets (and through the same delivery) as ChurnCut's.
  const hostedFlow = new HostedFlowSimulator(
    churnkey,
    clock,
    churncut.webhooks,
    { choices: churnkeyData.flows.choices, segmentId: churnkeyData.flows.segments.default },
    options.hostedFlow,
  );
  const vendors: VendorModule[] = [
    churnkeyDataModule(churnkey, clock, options.churnkey),
    churncut.module,
    rebillyReportsModule(rebilly, clock, options.rebilly),
  ];
  const caches: ResponseCache[] = [];
  const reset = () => {
    churnkey.reset();
    churncut.reset();
    hostedFlow.reset();
    rebilly.reset();
    clock.reset();
    for (const c of caches) c.clear();
  };
  const admin = adminModule({
    clock,
    reset,
    webhooks: churncut.webhooks,
    states: providerStates({ clock, churnkey, churncut, rebilly }),
    info: () => ({
      seed: options.seed,
      asOf: new Date(asOf).toISOString(),
      scale: options.scale,
      apis: vendors.map((v) => v.name),
      memory: {
        heapUsedBytes: process.memoryUsage().heapUsed,
        rssBytes: process.memoryUsage().rss,
      },
    }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Browsers may read the paging and rate-limit headers (Rebilly's Pagination-*, ChurnCut's X-RateLimit-*).
  const fast = new FastPath({
    'access-control-allow-origin': '*',
    'access-control-expose-headers': EXPOSED_HEADERS.join(','),
  });
  app.use(cors({ exposedHeaders: EXPOSED_HEADERS }));
  churncut.mount(app);
  mountHostedFlow(app, hostedFlow);
  const modules = [...vendors, hostedFlowModule(hostedFlow), admin];
  for (const module of modules) {
    const contract = await loadContract(module.contractFile);
    caches.push(
      mountVendor(app, module, contract, { validateResponses: options.validateResponses }, fast),
    );
  }

  app.use((req: Request, res: Response) => {
    const vendor = vendorFor(modules, req.path);
    const message = `No route for ${req.method} ${req.path}`;
    sendResult(res, { status: 404, body: vendor ? vendor.errorBody(404, message) : { message } });
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
      const vendor = vendorFor(modules, req.path);
      sendResult(res, { status, body: vendor ? vendor.errorBody(status, message) : { message } });
    },
  );
  const listener: RequestListener = (req, res) => {
    if (!fast.handle(req, res)) app(req, res);
  };
  return {
    app: listener,
    express: app,
    clock,
    world,
    churnkey,
    churncut,
    rebilly,
    hostedFlow,
    vendors,
    reset,
  };
}
