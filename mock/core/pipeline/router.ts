import express, { type Express, type RequestHandler } from 'express';
import type { Contract } from '../contract.ts';
import { rawBodyOf, readAhead } from './body.ts';
import type { FastPath } from './fast-path.ts';
import { compileOperation, type PipelineOptions, sendError } from './pipeline.ts';
import { ResponseCache } from './response-cache.ts';
import { markUnmatched } from './trace.ts';
import type { VendorModule } from './types.ts';

/** The largest request body an operation takes, unless its vendor says otherwise (`bodyLimits`). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The 413's message, whether the length was announced or counted by the body parser. */
export const bodyTooLarge = (limit = BODY_LIMIT_BYTES): string =>
  `Request body too large (limit ${limit / (1024 * 1024)} MB)`;
/** The 413's message for the usual limit. */
export const BODY_TOO_LARGE = bodyTooLarge();

/**
 * Stage 5: JSON bodies up to the operation's limit (only operations that take a body parse
 * one), by Express's body parser: from the request stream, or from the bytes the control
 * plane read ahead.
 */
const jsonBody = (limit: number) =>
  readAhead(express.json({ limit, type: ['application/json', 'application/*+json'] }));
const DEFAULT_JSON_BODY = jsonBody(BODY_LIMIT_BYTES);

/**
 * A body announced larger than the limit is refused from its `Content-Length` at once (the
 * body parser would read it all first); the rest of it is read and dropped, and the
 * connection closed after the answer.
 */
function bodyLimit(vendor: VendorModule, limit: number): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    if (!(length > limit) && !rawBodyOf(req)?.tooLarge) return next();
    req.resume();
    sendError(res, vendor, 413, bodyTooLarge(limit), { connection: 'close' });
  };
}

/**
 * Stage 1, the route table: every operation of a vendor's contract at its path (credentials,
 * then the body parser where it takes one, then its compiled stages), plus a 405 naming the
 * allowed methods for the other methods of a known path. Returns the vendor's answer cache.
 */
export function mountVendor(
  app: Express,
  vendor: VendorModule,
  contract: Contract,
  options: PipelineOptions,
  fast?: FastPath,
): ResponseCache {
  const cache = new ResponseCache();
  const methodsByPath = new Map<string, string[]>();
  // Concrete paths before templated ones, as OpenAPI matches them (`/requests/unmatched`
  // before `/requests/{id}`); otherwise the contract's order.
  const templated = (path: string) => path.split('/').filter((p) => p.startsWith('{')).length;
  const ordered = [...contract.operations].sort((a, b) => templated(a.path) - templated(b.path));
  for (const op of ordered) {
    const stages = compileOperation(vendor, op, options, cache, fast ?? null);
    if (stages.fast && fast) fast.add(op.path, stages.fast);
    const limit = vendor.bodyLimits?.[op.id] ?? BODY_LIMIT_BYTES;
    const parse = limit === BODY_LIMIT_BYTES ? DEFAULT_JSON_BODY : jsonBody(limit);
    app[op.method](
      op.expressPath,
      stages.credentials,
      ...(op.body ? [bodyLimit(vendor, limit), parse] : []),
      stages.handle,
    );
    methodsByPath.set(op.expressPath, [
      ...(methodsByPath.get(op.expressPath) ?? []),
      op.method.toUpperCase(),
    ]);
  }
  for (const [path, methods] of methodsByPath) {
    app.all(path, (req, res) => {
      markUnmatched(req, vendor.name);
      const allowed = methods.join(', ');
      sendError(
        res,
        vendor,
        405,
        `Method ${req.method} not allowed on ${req.path}; use ${allowed}`,
        {
          allow: allowed,
        },
      );
    });
  }
  return cache;
}
