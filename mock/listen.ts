import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createMockFrom,
  type DataSave,
  type EngineHooks,
  LARGE_START_SCALE,
  type Mock,
} from './app.ts';
import { ConfigurationError } from './core/errors.ts';
import { createHttpServer, type ErrorBodyFor, listen } from './core/http-server.ts';
import type { MockOptionsInput } from './core/options.ts';
import { commonPath, type ServedApi } from './core/served-api.ts';
import type { Registry } from './core/vendor.ts';

/** Where a mock listens. */
export interface Address {
  readonly port: number;
  readonly host: string;
}

/** A mock built and listening: the CLI's `serve` and the programmatic `startMock` share it. */
export type { ServedApi };

export interface ListeningMock<D = unknown> {
  readonly mock: Mock<D>;
  readonly server: Server;
  /** Base URL (`http://127.0.0.1:4010`). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The vendor APIs it serves, in the registry's order. */
  readonly apis: readonly ServedApi[];
  /**
   * Stops listening, ends idle keep-alive connections and cancels pending webhook retries;
   * requests in flight get `graceMs` to finish, then their connections are closed. Resolves
   * when the server is closed (at once when already closed).
   */
  close(graceMs?: number): Promise<void>;
}

/** The error body of the vendor whose prefix a path is under, for the server's own answers (431). */
function errorBodyFor(built: Mock['built']): ErrorBodyFor {
  const modules = built.flatMap((b) => (b.module ? [b.module] : []));
  return (path, status, message) =>
    modules
      .find((m) => m.prefixes.some((p) => path === p || path.startsWith(`${p}/`)))
      ?.errorBody(status, message);
}

/** Why a listen failed, in a line a user can act on. */
function listenError(e: unknown, { port, host }: Address): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'EADDRINUSE') return new ConfigurationError(`port ${port} is in use; try --port 0`);
  if (code === 'EACCES')
    return new ConfigurationError(`port ${port} needs privileges here; try a port above 1023`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConfigurationError(
      `cannot listen on host "${host}": it is not an address of this machine (try 127.0.0.1)`,
    );
  return e;
}

/**
 * A large start collects its heap once before it listens. Generating and building a world
 * leaves the old generation past V8's limit, and V8 then marks the whole heap in steps run
 * on the main thread as it allocates: right after listening, in the first requests (a first
 * ChurnCut page took 97–129 ms at scale 100, 140–245 ms of marking in all). Collected here,
 * once before the ready line (~0.4 s at scale 100: `gc()` ran two full collections there, 150
 * and 263 ms in `--trace-gc`), the next limit is far off: measured by
 * the bench at scale 100, the slowest request of the first second went from 97 ms to 17–19 ms,
 * and the requests answered in it from 141 to 317–373.
 */
function collectLargeHeap(scale: number): void {
  // By the world's size, not the heap's: a test runner's heap is its own (many small mocks).
  if (scale < LARGE_START_SCALE) return;
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** How long after listening a freshly generated world is saved to the data cache. */
export const DATA_SAVE_DELAY_MS = 2000;

/**
 * Builds the mock over `registry` (every lookup table included), then listens: once this
 * resolves, every request is answered at full speed.
 */
export async function listenMock<D>(
  registry: Registry<D>,
  options: MockOptionsInput,
  address: Address,
  hooks: EngineHooks = {},
): Promise<ListeningMock<D>> {
  // A large world answers first and is saved to the data cache afterwards, a slice at a time.
  let save: DataSave | null = null;
  const mock = await createMockFrom(registry, options, {
    ...hooks,
    deferDataSave: (s) => {
      save = s;
    },
  });
  collectLargeHeap(mock.options.scale);
  const server = createHttpServer(mock.app, {}, errorBodyFor(mock.built));
  let url: string;
  try {
    url = await listen(server, address.port, address.host);
  } catch (e) {
    mock.stop();
    await mock.persistence?.close();
    throw listenError(e, address);
  }
  // The data cache is saved once the start's first burst of requests has had the CPU, a slice
  // at a time between requests; a server stopped before then saves it while stopping.
  const pending = save as DataSave | null;
  let saving: Promise<void> | null = null;
  const saveNow = () => {
    saving ??= pending ? pending(() => new Promise((r) => setImmediate(r))) : Promise.resolve();
    return saving;
  };
  const saveTimer = pending ? setTimeout(saveNow, DATA_SAVE_DELAY_MS) : null;
  saveTimer?.unref();
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  // Closed once the server is: every response written, then the data directory let go.
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve())).then(() =>
    mock.persistence?.close(),
  );
  let closing = false;
  const close = async (graceMs = 0) => {
    if (!closing) {
      closing = true;
      mock.stop();
      // close() also closes idle connections (http-server.ts: responses being written finish).
      server.close();
      if (graceMs <= 0) server.closeAllConnections();
      else {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        void closed.then(() => clearTimeout(timer));
      }
    }
    // The data cache is saved (its file renamed into place whole, or not at all) before the end.
    if (saveTimer) clearTimeout(saveTimer);
    await saveNow();
    await closed;
  };
  const apis = mock.built.flatMap((b) =>
    b.module
      ? [
          {
            id: b.definition.id,
            title: b.definition.title,
            url: `${url}${commonPath(b.module.prefixes)}`,
          },
        ]
      : [],
  );
  return { mock, server, url, port, host: address.host, apis, close };
}
