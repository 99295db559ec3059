import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerList } from './send.ts';

/** A fast route: answers from the raw query string, or returns false to let Express handle it. */
export type FastHandler = (req: IncomingMessage, res: ServerResponse, search: string) => boolean;

/**
 * Cached GETs answered before Express: Express's per-request work (routing, middleware, its
 * request/response wrappers) is most of what separates the mock from a bare node:http server.
 * Responses are written with one `writeHead` of a prebuilt header list (no `setHeader` calls,
 * which would put Node on its slower merging path).
 */
export class FastPath {
  readonly #routes = new Map<string, FastHandler>();
  /** The headers the CORS middleware would add, on every fast response (and stub answers). */
  readonly common: string[] = [];

  constructor(headers: Readonly<Record<string, string>>) {
    this.setCommon(headers);
  }

  /** Sets the common headers (the list keeps its identity: holders of it see the change). */
  setCommon(headers: Readonly<Record<string, string>>): void {
    this.common.splice(0, this.common.length, ...headerList(headers));
  }

  add(path: string, handler: FastHandler): void {
    this.#routes.set(path, handler);
  }

  /** Answers a cached GET; false when the pipeline must handle it (nothing written yet). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || !req.url) return false;
    const url = req.url;
    const q = url.indexOf('?');
    const handler = this.#routes.get(q < 0 ? url : url.slice(0, q));
    return handler ? handler(req, res, q < 0 ? '' : url.slice(q + 1)) : false;
  }
}
