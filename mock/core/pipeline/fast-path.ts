import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerResult } from './types.ts';

/** A flat header list as `res.writeHead` takes it: name, value, name, value, … */
export type HeaderList = readonly string[];

/** What a vendor's per-request gate (e.g. a rate limiter) decided. */
export interface GateResult {
  /** Headers every response gets (e.g. X-RateLimit-*). */
  readonly headers: HeaderList;
  /** An answer that replaces the normal one (e.g. a 429), or null to go on. */
  readonly denied: HandlerResult | null;
}

/** A fast route: answers from the raw query string, or returns false to let Express handle it. */
export type FastHandler = (req: IncomingMessage, res: ServerResponse, search: string) => boolean;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Cached GETs answered before Express: Express's per-request work (routing, middleware, its
 * request/response wrappers) is most of what separates the mock from a bare node:http server.
 * Responses are written with one `writeHead` of a prebuilt header list (no `setHeader` calls,
 * which would put Node on its slower merging path).
 */
export class FastPath {
  readonly #routes = new Map<string, FastHandler>();
  /** The headers the CORS middleware would add, on every fast response. */
  readonly common: HeaderList;

  constructor(headers: Readonly<Record<string, string>>) {
    this.common = Object.entries(headers).flat();
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

  /** Writes a gate's refusal with the common headers. */
  deny(res: ServerResponse, gate: GateResult, denied: HandlerResult): true {
    const head = [...this.common, ...gate.headers, 'content-type', JSON_TYPE];
    for (const [k, v] of Object.entries(denied.headers ?? {})) head.push(k, v);
    res.writeHead(denied.status, head);
    res.end(JSON.stringify(denied.body));
    return true;
  }
}

/** A vendor's per-request gate, given the request headers. */
export type Gate = (headers: IncomingHttpHeaders) => GateResult;
