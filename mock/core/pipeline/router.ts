import express, { type Express, type RequestHandler } from 'express';
import type { Contract } from '../contract.ts';
import type { FastPath } from './fast-path.ts';
import { compileOperation, type PipelineOptions, sendError } from './pipeline.ts';
import { ResponseCache } from './response-cache.ts';
import type { VendorModule } from './types.ts';

/** The largest request body an operation takes. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** The 413's message, whether the length was announced or counted by the body parser. */
export const BODY_TOO_LARGE = 'Request body too large (limit 1 MB)';

/** Stage 4: JSON bodies up to 1 MB (only operations that take a body parse one). */
const jsonBody = express.json({
  limit: BODY_LIMIT_BYTES,
  type: ['application/json', 'application/*+json'],
});

/**
 * A body announced larger than the limit is refused from its `Content-Length` at once (the
 * body parser would read it all first); the rest of it is read and dropped, and the
 * connection closed after the answer.
 */
function bodyLimit(vendor: VendorModule): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    if (!(length > BODY_LIMIT_BYTES)) return next();
    req.resume();
    sendError(res, vendor, 413, BODY_TOO_LARGE, { connection: 'close' });
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
  for (const op of contract.operations) {
    const stages = compileOperation(vendor, op, options, cache, fast ?? null);
    if (stages.fast && fast) fast.add(op.path, stages.fast);
    app[op.method](
      op.expressPath,
      stages.credentials,
      ...(op.body ? [bodyLimit(vendor), jsonBody] : []),
      stages.handle,
    );
    methodsByPath.set(op.expressPath, [
      ...(methodsByPath.get(op.expressPath) ?? []),
      op.method.toUpperCase(),
    ]);
  }
  for (const [path, methods] of methodsByPath) {
    app.all(path, (req, res) => {
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
