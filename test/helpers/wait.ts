import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { listen as listenOn } from '../../mock/core/http-server.ts';

/** Polls `check` every `stepMs` until it holds; throws after `ms`. */
export async function until(check: () => boolean, ms = 10_000, stepMs = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that need a number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `server` on 127.0.0.1 (a free port by default); resolves with its base URL. */
export const listen = (server: Server, port = 0): Promise<string> =>
  listenOn(server, port, '127.0.0.1');
