import type { IncomingHttpHeaders } from 'node:http';
import type { Problem, RequestInput } from '../validation.ts';

/** A validated request as handlers see it: query coerced and defaulted, body checked. */
export interface HandlerInput {
  readonly query: Readonly<Record<string, unknown>>;
  readonly path: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** Aborts when the client goes away before the answer is written (made on first use). */
  readonly signal?: AbortSignal;
}

/** What a handler returns; the pipeline serialises it. */
export interface HandlerResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A vendor's handler of one operation. Most answer at once; one that waits (a long poll)
 * returns a promise, and a rejected one is answered as a 500 in the vendor's error shape.
 */
export type Handler = (input: HandlerInput) => HandlerResult | Promise<HandlerResult>;

/** Everything the shared pipeline needs to serve one vendor API from its contract. */
export interface VendorModule {
  readonly name: string;
  readonly contractFile: string;
  /** Path prefixes this vendor owns, so 404s and body-parse errors use its error shape. */
  readonly prefixes: readonly string[];
  /** Returns an error result when the request's credentials are missing or wrong (may be async). */
  authenticate(headers: IncomingHttpHeaders): HandlerResult | null | Promise<HandlerResult | null>;
  /**
   * The vendor's own error envelope; `input` is the request's query, path and body when the
   * refusal is of them (what the problems are about).
   */
  errorBody(
    status: number,
    message: string,
    problems?: readonly Problem[],
    input?: Readonly<RequestInput>,
  ): unknown;
  readonly handlers: Readonly<Record<string, Handler>>;
  /** Operations (by operationId) that take a larger JSON body than BODY_LIMIT_BYTES, in bytes. */
  readonly bodyLimits?: Readonly<Record<string, number>>;
  /**
   * The vendor's answer for an error status that a stub mapping or `Prefer: code=` asks for
   * without a body: its envelope with `message`, plus the headers it sends with that status
   * (a 429's Retry-After and limits). Default: `errorBody` alone.
   */
  stubError?(status: number, message: string): HandlerResult;
  /**
   * Changes whenever anything a GET could return changes (store version, clock). GET responses
   * are cached per operation and query until it does.
   */
  cacheVersion?(): string;
  /**
   * Runs on every request the fast path answers (Express-side middleware does the same for the
   * rest): e.g. a rate limiter's count, headers and 429.
   */
  readonly gate?: Gate;
}

/** A flat header list as `res.writeHead` takes it: name, value, name, value, … */
export type HeaderList = readonly string[];

/** What a vendor's per-request gate (e.g. a rate limiter) decided. */
export interface GateResult {
  /** Headers every response gets (e.g. X-RateLimit-*). */
  readonly headers: HeaderList;
  /** An answer that replaces the normal one (e.g. a 429), or null to go on. */
  readonly denied: HandlerResult | null;
}

/** A vendor's per-request gate, given the request headers. */
export type Gate = (headers: IncomingHttpHeaders) => GateResult;
