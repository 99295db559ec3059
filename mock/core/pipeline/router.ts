import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Contract, Operation } from '../contract.ts';
import {
  compileRequestValidator,
  compileResponseValidators,
  makeAjv,
  type Problem,
  type RequestInput,
  toProblems,
} from '../validation.ts';
import type { FastPath } from './fast-path.ts';
import { type CachedResponse, ResponseCache } from './response-cache.ts';
import type { HandlerInput, HandlerResult, VendorModule } from './types.ts';

export interface PipelineOptions {
  /** Check every response against the contract and turn a violation into a 500. */
  readonly validateResponses: boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const jsonBody = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });

/** Writes a handler result as JSON. */
export function sendResult(res: Response, result: HandlerResult, etag?: string): void {
  const body = Buffer.from(JSON.stringify(result.body));
  res.status(result.status);
  res.setHeader('content-type', JSON_TYPE);
  if (etag) res.setHeader('etag', etag);
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  res.end(body);
}

function summarise(problems: readonly Problem[]): string {
  const parts = problems.map((p) => `${p.in} ${p.name} ${p.message}`);
  return `Invalid request: ${parts.join('; ')}`;
}

function copyQuery(req: Request): Record<string, unknown> {
  return { ...(req.query as Record<string, unknown>) };
}

function cacheKey(
  op: Operation,
  path: string,
  version: string,
  query: Record<string, unknown>,
): string {
  return `${op.id}|${path}|${version}|${JSON.stringify(Object.entries(query).sort())}`;
}

interface Memo {
  readonly version: string;
  readonly key: string;
  entry?: CachedResponse;
  head?: string[];
}

/**
 * The fast path of one parameterless GET route: a cached answer with good credentials and only
 * known parameters skips Express (routing, CORS, body parsing). Raw query strings are memoised
 * to their cache key per cache version, so a repeated request parses nothing.
 */
function fastHandler(
  vendor: VendorModule,
  op: Operation,
  knownQuery: ReadonlySet<string>,
  cache: ResponseCache,
  fast: FastPath,
) {
  const memo = new Map<string, Memo>();
  const version = vendor.cacheVersion ?? (() => '');
  return (req: IncomingMessage, res: ServerResponse, search: string): boolean => {
    if (vendor.authenticate(req.headers) !== null) return false;
    const v = version();
    let m = memo.get(search);
    if (m?.version !== v) {
      // Parsed as Express's default ("simple") query parser does, so the cache keys match.
      const query = { ...parseQuery(search) };
      if (Object.keys(query).some((k) => !knownQuery.has(k))) return false;
      m = { version: v, key: cacheKey(op, op.path, v, query) };
      if (memo.size >= 1024) memo.clear();
      memo.set(search, m);
    }
    const hit = cache.get(m.key);
    if (!hit) return false;
    if (m.entry !== hit) {
      m.entry = hit;
      m.head = [...fast.common, 'content-type', JSON_TYPE, 'etag', hit.etag];
      for (const [k, val] of Object.entries(hit.headers)) m.head.push(k, val);
    }
    const gate = vendor.gate?.(req.headers);
    if (gate?.denied) return fast.deny(res, gate, gate.denied);
    if (req.headers['if-none-match'] === hit.etag) {
      res.writeHead(304, [...fast.common, ...(gate?.headers ?? []), 'etag', hit.etag]);
      res.end();
      return true;
    }
    res.writeHead(hit.status, gate ? [...(m.head ?? []), ...gate.headers] : (m.head ?? []));
    res.end(hit.body);
    return true;
  };
}

/** Builds the request pipeline for one operation: authenticate → validate → handle → send. */
function operationHandler(
  vendor: VendorModule,
  op: Operation,
  options: PipelineOptions,
  cache: ResponseCache,
  fast?: FastPath,
) {
  const validate = compileRequestValidator(makeAjv(true), makeAjv(false), op);
  const responseValidators = options.validateResponses
    ? compileResponseValidators(makeAjv(false), op)
    : null;
  const knownQuery = new Set(op.params.filter((p) => p.in === 'query').map((p) => p.name));
  const handler = vendor.handlers[op.id];
  if (!handler) throw new Error(`${vendor.name}: no handler for operation ${op.id}`);

  const check = (result: HandlerResult): HandlerResult => {
    const validator =
      responseValidators?.get(String(result.status)) ?? responseValidators?.get('default');
    if (!responseValidators) return result;
    if (!validator) {
      return {
        status: 500,
        body: vendor.errorBody(
          500,
          `Response violates the contract: ${op.id} does not document status ${result.status}`,
        ),
      };
    }
    if (validator(result.body)) return result;
    const problems = toProblems(validator.errors, 'body');
    const detail = problems.map((p) => `${p.name} ${p.message}`).join('; ');
    return {
      status: 500,
      body: vendor.errorBody(
        500,
        `Response violates the contract (${op.id} ${result.status}): ${detail}`,
        problems,
      ),
    };
  };

  const keyOf = (path: string, query: Record<string, unknown>): string | null =>
    op.method === 'get' && vendor.cacheVersion
      ? cacheKey(op, path, vendor.cacheVersion(), query)
      : null;

  /** Writes a cached response (or a 304); false when there is none. */
  const serveHit = (
    key: string,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
    extra: Record<string, string>,
  ): boolean => {
    const hit = cache.get(key);
    if (!hit) return false;
    res.setHeader('etag', hit.etag);
    if (headers['if-none-match'] === hit.etag) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    res.statusCode = hit.status;
    res.setHeader('content-type', JSON_TYPE);
    for (const [k, v] of Object.entries(hit.headers)) res.setHeader(k, v);
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
    res.end(hit.body);
    return true;
  };

  if (fast && vendor.cacheVersion && op.method === 'get' && !op.path.includes('{'))
    fast.add(op.path, fastHandler(vendor, op, knownQuery, cache, fast));

  return async (req: Request, res: Response): Promise<void> => {
    // Credentials were checked by `authenticate`, mounted in front.
    const query = copyQuery(req);
    const ignored = Object.keys(query).filter((k) => !knownQuery.has(k));
    for (const k of ignored) delete query[k];
    const extra: Record<string, string> = ignored.length
      ? { 'x-churnmock-ignored-params': ignored.map(encodeURIComponent).join(',') }
      : {};

    const cacheKey = keyOf(req.path, query);
    if (cacheKey && serveHit(cacheKey, req.headers, res, extra)) return;

    const input: RequestInput = { query, path: { ...req.params }, body: req.body };
    if (op.body?.required && (req.body === undefined || !req.is('application/json'))) {
      const problem: Problem = {
        in: 'body',
        name: 'body',
        message: 'a JSON body is required (Content-Type: application/json)',
      };
      return void sendResult(res, {
        status: 400,
        body: vendor.errorBody(400, summarise([problem]), [problem]),
        headers: extra,
      });
    }
    const problems = validate(input);
    if (problems.length) {
      return void sendResult(res, {
        status: 400,
        body: vendor.errorBody(400, summarise(problems), problems),
        headers: extra,
      });
    }
    const handlerInput: HandlerInput = {
      query: input.query,
      path: input.path as Record<string, string>,
      body: input.body,
      headers: req.headers,
    };
    const result = check(handler(handlerInput));
    const headers = { ...result.headers, ...extra };
    if (cacheKey && result.status === 200) {
      const entry = cache.set(
        cacheKey,
        result.status,
        Buffer.from(JSON.stringify(result.body)),
        result.headers ?? {},
      );
      res.status(entry.status).setHeader('content-type', JSON_TYPE);
      res.setHeader('etag', entry.etag);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.end(entry.body);
      return;
    }
    sendResult(res, { ...result, headers });
  };
}

/**
 * Checks credentials first, before a body is read, so a caller without them learns nothing
 * from body errors. A vendor may check asynchronously (a JWT signature, with jose).
 */
function authenticate(vendor: VendorModule) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const denied = await vendor.authenticate(req.headers);
    if (denied) return void sendResult(res, denied);
    next();
  };
}

/** Mounts every operation of a vendor's contract, plus 405s for known paths. */
export function mountVendor(
  app: Express,
  vendor: VendorModule,
  contract: Contract,
  options: PipelineOptions,
  fast?: FastPath,
): ResponseCache {
  const cache = new ResponseCache();
  const methodsByPath = new Map<string, string[]>();
  for (const op of contract.operations) {
    // Only operations that take a body parse one: GETs skip the JSON parser entirely.
    const parsers = op.body ? [jsonBody] : [];
    app[op.method](
      op.expressPath,
      authenticate(vendor),
      ...parsers,
      operationHandler(vendor, op, options, cache, fast),
    );
    methodsByPath.set(op.expressPath, [
      ...(methodsByPath.get(op.expressPath) ?? []),
      op.method.toUpperCase(),
    ]);
  }
  for (const [path, methods] of methodsByPath) {
    app.all(path, (req, res) => {
      res.setHeader('allow', methods.join(', '));
      sendResult(res, {
        status: 405,
        body: vendor.errorBody(
          405,
          `Method ${req.method} not allowed on ${req.path}; use ${methods.join(', ')}`,
        ),
      });
    });
  }
  return cache;
}
