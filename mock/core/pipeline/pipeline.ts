import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Request, Response } from 'express';
import type { Operation } from '../contract.ts';
import { realScheduler, type Scheduler } from '../time/scheduler.ts';
import {
  lazyRequestValidator,
  lazyResponseValidators,
  type RequestInput,
  sharedAjv,
} from '../validation.ts';
import { authenticate } from './authenticate.ts';
import { cachedHead, cachedReply, cacheKey, notModified, store } from './cache.ts';
import { checkResponse } from './check-response.ts';
import type { FastHandler, FastPath } from './fast-path.ts';
import { preferStage } from './prefer.ts';
import { ignoredHeader, knownQuery, plainCopy, queryNames } from './query.ts';
import { payloadBytes } from './raw-json.ts';
import type { CachedResponse, ResponseCache } from './response-cache.ts';
import { jsonReply, send, sendResult, sendStored } from './send.ts';
import { markOperation } from './trace.ts';
import type { HandlerInput, HandlerResult, HeaderList, VendorModule } from './types.ts';
import { requireBody, validateRequest } from './validate.ts';

/**
 * The stages of a request, in order. This file is the only place the order lives; each stage
 * is a small function in its own file returning a value or a refusal (a result to send), and
 * every API response is written by `send`.
 *
 *  1. route        Express's router, by the contract's paths (router.ts); 405 for other methods
 *  2. gate         the vendor's per-request gate, e.g. a rate limit (vendor middleware)
 *  3. authenticate credentials, before any body is read               authenticate.ts
 *  4. prefer       Prism's `Prefer` header: code/example answer from the contract instead of
 *                  the handler; delay holds the answer back            prefer.ts
 *  5. parse body   JSON, only for operations that take one             router.ts
 *  6. query        documented parameters; others named, not refused    query.ts
 *  7. cache        a stored answer (GET) for this query and version; 304 when the client has it
 *                  (never for a request with `Prefer`)
 *  8. body         a required JSON body is there                       validate.ts
 *  9. validate     query, path and body against the contract           validate.ts
 * 10. handle       the vendor's handler for the operation (it may answer later, a Promise)
 * 11. check        the answer against the contract (--validate-responses) check-response.ts
 * 12. store        a 200 GET answer into the cache                     cache.ts
 * 13. send         the one writer of responses                         send.ts
 *
 * A GET of a parameterless path without `Prefer` is taken before Express (fast-path.ts): route,
 * authenticate (synchronous answers only), query and cache on the raw request, then gate and,
 * on a miss, stages 8–13 as above; anything else goes to the stages above untouched.
 */

export interface PipelineOptions {
  /** Check every response against the contract and turn a violation into a 500. */
  readonly validateResponses: boolean;
  /** The timers of `Prefer: delay` (the mock's injected scheduler); default real time. */
  readonly scheduler?: Scheduler;
}

/** One operation's stages, compiled once at start-up. */
export interface CompiledOperation {
  /** Stages 5–13 for Express (`credentials`, mounted first, runs stages 3 and 4). */
  handle(req: Request, res: Response): void;
  /** Stages 3 and 4 as Express middleware, before the body parser. */
  credentials(req: Request, res: Response, next: () => void): Promise<void>;
  /** The cache stage answered before Express, for the fast path. */
  readonly fast: FastHandler | null;
}

/** Stages 8–13 of an operation, as `compileOperation` runs them after a cache miss. */
type Respond = (
  req: IncomingMessage,
  res: ServerResponse,
  input: RequestInput,
  isJson: boolean,
  key: string | null,
  head: HeaderList,
  extra: HeaderList,
) => void;

/** Compiles the stages of one operation of a vendor's contract. */
export function compileOperation(
  vendor: VendorModule,
  op: Operation,
  options: PipelineOptions,
  cache: ResponseCache,
  fastPath: FastPath | null,
): CompiledOperation {
  const handler = vendor.handlers[op.id];
  if (!handler) throw new Error(`${vendor.name}: no handler for operation ${op.id}`);
  // The Ajvs are made only if a validator has to be compiled (none has, with the build's).
  const validate = lazyRequestValidator(
    () => sharedAjv(true),
    () => sharedAjv(false),
    op,
  );
  const responses = options.validateResponses
    ? lazyResponseValidators(() => sharedAjv(false), op)
    : null;
  const names = queryNames(op);
  const prefer = preferStage(vendor, op, options.scheduler ?? realScheduler);

  const credentials = async (req: Request, res: Response, next: () => void) => {
    markOperation(req, vendor.name, op.id);
    const denied = await authenticate(vendor, req.headers);
    if (denied) return void sendResult(res, denied);
    if (prefer(req, res)) return;
    next();
  };

  /**
   * Stages 8–13 once no stored answer was found: body, validate, handle, check, store, send.
   * `head` goes before a stored answer's own headers (the fast path's CORS headers; Express
   * set them already), `extra` after every answer's.
   */
  const respond: Respond = (req, res, input, isJson, key, head, extra) => {
    const refused =
      requireBody(vendor, op, input.body, isJson) ?? validateRequest(vendor, validate, input);
    if (refused) return void sendResult(res, refused, [...head, ...extra]);

    // The validator coerced and defaulted the input in place.
    const valid = new ValidInput(input, req, res);
    const answer = (handled: HandlerResult): void => {
      const result = checkResponse(responses, vendor, op, handled);
      if (key !== null && result.status === 200) {
        const entry = store(cache, key, result.status, result.body, result.headers);
        // Its ETag names the key, so a client's tag from before is this answer's: a 304.
        return void send(
          res,
          cachedReply(entry, req.headers, cachedHead(entry, head), extra, head),
        );
      }
      sendResult(res, result, [...head, ...extra]);
    };
    const handled = handler(valid);
    if (!(handled instanceof Promise)) return void answer(handled);
    // A handler that waits: its answer later; its failure a 500 (never an unhandled rejection).
    handled.then(answer).catch((e: unknown) => internalError(res, vendor, e, head));
  };

  const handle = (req: Request, res: Response): void => {
    const { query, ignored } = knownQuery(names, req.query as Record<string, unknown>);
    const extra = ignoredHeader(ignored);
    const key = req.headers.prefer === undefined ? cacheKey(vendor, op, req.path, query) : null;
    const hit = key === null ? undefined : cache.get(key);
    if (hit) return void send(res, cachedReply(hit, req.headers, cachedHead(hit), extra));
    const input: RequestInput = { query, path: plainCopy(req.params), body: req.body };
    respond(req, res, input, Boolean(req.is('application/json')), key, [], extra);
  };

  const version = vendor.cacheVersion;
  const fast =
    fastPath && version && op.method === 'get' && !op.path.includes('{')
      ? fastStages(vendor, op, names, cache, fastPath.common, version, respond)
      : null;
  return { handle, credentials, fast };
}

interface Memo {
  readonly version: string;
  readonly key: string;
  /** The parsed query (copied before the validator coerces it). */
  readonly query: Readonly<Record<string, unknown>>;
  entry?: CachedResponse;
  head?: string[];
  /** `head` with the entry's Content-Length. */
  sized?: string[];
}

/**
 * A GET of a parameterless path before Express: with good credentials and only documented
 * parameters it is answered here, from the cache (a stored answer) or by the operation's own
 * stages 8–13 (validation, handler, store), skipping Express's routing, CORS and wrappers. Raw
 * query strings are memoised to their cache key per cache version, so a repeated request
 * parses nothing. False: nothing was written and the full pipeline takes the request (a
 * `Prefer` header, credentials it cannot check at once or refuses, an undocumented parameter).
 */
function fastStages(
  vendor: VendorModule,
  op: Operation,
  names: ReadonlySet<string>,
  cache: ResponseCache,
  common: HeaderList,
  version: () => string,
  respond: Respond,
): FastHandler {
  const memo = new Map<string, Memo>();
  return (req: IncomingMessage, res: ServerResponse, search: string): boolean => {
    markOperation(req, vendor.name, op.id);
    // Stage 4's header is for the full pipeline (no cached answer for it).
    if (req.headers.prefer !== undefined) return false;
    // Stage 3 (an asynchronous check, a JWT, is left to the full pipeline).
    if (authenticate(vendor, req.headers) !== null) return false;
    // Stage 6: parsed as Express's default ("simple") query parser does, so the keys match.
    const v = version();
    let m = memo.get(search);
    if (m?.version !== v) {
      // Kept as parsed (never changed): each request validates its own plainCopy of it.
      const query = parseQuery(search);
      if (Object.keys(query).some((k) => !names.has(k))) return false;
      m = { version: v, key: cacheKey(vendor, op, op.path, query, v) as string, query };
      if (memo.size >= 1024) memo.clear();
      memo.set(search, m);
    }
    // Stage 7.
    const hit = cache.get(m.key);
    if (!hit) {
      // Stage 2, then stages 8–13 as the full pipeline runs them.
      const gate = vendor.gate?.(req.headers);
      if (gate?.denied) {
        send(res, jsonReply(gate.denied, [...common, ...gate.headers]));
        return true;
      }
      const input: RequestInput = { query: plainCopy(m.query), path: {}, body: undefined };
      try {
        respond(req, res, input, false, m.key, common, gate?.headers ?? []);
      } catch (e) {
        internalError(res, vendor, e, common);
      }
      return true;
    }
    if (m.entry !== hit) {
      m.entry = hit;
      m.head = cachedHead(hit, common);
      m.sized = [...m.head, 'content-length', String(payloadBytes(hit.body))];
    }
    // Stage 2, counted once the answer is known to come from here.
    const gate = vendor.gate?.(req.headers);
    if (gate?.denied) {
      send(res, jsonReply(gate.denied, [...common, ...gate.headers]));
      return true;
    }
    // Stage 13; the entry's header list, its length in it, is built once.
    // A 304 (the client has it) or a held reply: `send`.
    const fresh = !notModified(hit, req.headers);
    if (fresh && sendStored(res, hit.status, m.sized ?? [], gate?.headers, hit.body)) return true;
    send(res, cachedReply(hit, req.headers, m.head ?? [], gate?.headers, common));
    return true;
  };
}

/** A handler that failed: a 500 in the vendor's shape, or the connection closed mid-answer. */
function internalError(
  res: ServerResponse,
  vendor: VendorModule,
  e: unknown,
  head: HeaderList,
): void {
  if (res.headersSent) return void res.destroy();
  const message = `Internal mock error: ${(e as Error)?.message ?? String(e)}`;
  sendError(res, vendor, 500, message, undefined, head);
}

/**
 * A validated request as its handler gets it, the abort signal made on first read. A class
 * with the getter on its prototype, not an object literal with a getter: V8 keeps each such
 * literal's getter pair in the old generation, so the getter's closure, and the request it
 * held (response, headers, socket writes), outlived every young collection and was copied
 * into the old generation: ~3 KB of every uncached request (`--trace-gc-nvp` under uncached
 * load: 11-12 MB promoted per scavenge and 15-25 ms pauses; with the class 0.1-0.3 MB, 1-2 ms).
 */
class ValidInput implements HandlerInput {
  readonly query: Readonly<Record<string, unknown>>;
  readonly path: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
  readonly #res: ServerResponse;
  #signal: AbortSignal | undefined;

  constructor(input: RequestInput, req: IncomingMessage, res: ServerResponse) {
    this.query = input.query;
    this.path = input.path as Record<string, string>;
    this.body = input.body;
    this.headers = req.headers;
    this.#res = res;
  }

  get signal(): AbortSignal {
    this.#signal ??= closeSignal(this.#res);
    return this.#signal;
  }
}

/** Aborts when `res` closes before its answer is written: the client went away. */
function closeSignal(res: ServerResponse): AbortSignal {
  const abort = new AbortController();
  if (res.destroyed) abort.abort();
  else res.once('close', () => res.writableFinished || abort.abort());
  return abort.signal;
}

/** A refusal or answer of the stages outside an operation (404, 405, body-parser errors). */
export function sendError(
  res: ServerResponse,
  vendor: VendorModule | undefined,
  status: number,
  message: string,
  headers?: Readonly<Record<string, string>>,
  extra?: HeaderList,
): void {
  const result: HandlerResult = {
    status,
    body: vendor ? vendor.errorBody(status, message) : { message },
    ...(headers ? { headers } : {}),
  };
  sendResult(res, result, extra);
}
