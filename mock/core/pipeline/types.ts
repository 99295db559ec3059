import type { IncomingHttpHeaders } from 'node:http';
import type { Problem } from '../validation.ts';
import type { Gate } from './fast-path.ts';

/** A validated request as handlers see it: query coerced and defaulted, body checked. */
export interface HandlerInput {
  readonly query: Readonly<Record<string, unknown>>;
  readonly path: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
}

/** What a handler returns; the pipeline serialises it. */
export interface HandlerResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (input: HandlerInput) => HandlerResult;

/** Everything the shared pipeline needs to serve one vendor API from its contract. */
export interface VendorModule {
  readonly name: string;
  readonly contractFile: string;
  /** Path prefixes this vendor owns, so 404s and body-parse errors use its error shape. */
  readonly prefixes: readonly string[];
  /** Returns an error result when the request's credentials are missing or wrong (may be async). */
  authenticate(headers: IncomingHttpHeaders): HandlerResult | null | Promise<HandlerResult | null>;
  /** The vendor's own error envelope. */
  errorBody(status: number, message: string, problems?: readonly Problem[]): unknown;
  readonly handlers: Readonly<Record<string, Handler>>;
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
