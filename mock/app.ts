import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { generateChurnkeyData } from '../generators/churnkey-data.ts';
import { parseAsOf } from '../generators/time.ts';
import { generateWorld, type World } from '../generators/world.ts';
import { adminModule } from './admin/index.ts';
import { churnkeyDataModule } from './churnkey-data/index.ts';
import { ChurnkeyDataStore } from './churnkey-data/store.ts';
import { MockClock } from './clock.ts';
import type { MockOptions } from './config.ts';
import { loadContract } from './pipeline/contract.ts';
import type { ResponseCache } from './pipeline/response-cache.ts';
import { mountVendor, sendResult } from './pipeline/router.ts';
import type { VendorModule } from './pipeline/types.ts';

/** A running mock's parts, for the CLI, tests and benchmarks. */
export interface Mock {
  readonly app: Express;
  readonly clock: MockClock;
  readonly world: World;
  readonly churnkey: ChurnkeyDataStore;
  readonly vendors: readonly VendorModule[];
  reset(): void;
}

function vendorFor(vendors: readonly VendorModule[], path: string): VendorModule | undefined {
  return vendors.find((v) => v.prefixes.some((p) => path === p || path.startsWith(`${p}/`)));
}

/** Generates the seeded world, builds every store and mounts every vendor's contract. */
export async function createMock(options: MockOptions): Promise<Mock> {
  const asOf = parseAsOf(options.asOf);
  const world = generateWorld({ seed: options.seed, asOf, scale: options.scale });
  const clock = new MockClock(asOf);
  const churnkey = new ChurnkeyDataStore(world, generateChurnkeyData(world));
  const vendors: VendorModule[] = [churnkeyDataModule(churnkey, clock, options.churnkey)];
  const caches: ResponseCache[] = [];
  const reset = () => {
    churnkey.reset();
    clock.reset();
    for (const c of caches) c.clear();
  };
  const admin = adminModule({
    clock,
    reset,
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
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  const modules = [...vendors, admin];
  for (const module of modules) {
    const contract = await loadContract(module.contractFile);
    caches.push(
      mountVendor(app, module, contract, { validateResponses: options.validateResponses }),
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
  return { app, clock, world, churnkey, vendors, reset };
}
