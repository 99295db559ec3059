import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestHandler } from 'express';

/**
 * A request body read before routing (by the control plane, so the journal and stub patterns
 * see it), kept for stage 5 to parse: the bytes as they came, or the fact that there were too
 * many. Without the control plane nobody reads ahead and the body parser reads the stream.
 */
export interface RawBody {
  readonly chunks: readonly Buffer[];
  readonly bytes: number;
  /** More than the limit arrived; `chunks` is empty and the rest was dropped. */
  readonly tooLarge: boolean;
}

const RAW = Symbol('churnmock.rawBody');

type WithRaw = IncomingMessage & { [RAW]?: RawBody };

/** The body read ahead for this request, if it was. */
export function rawBodyOf(req: IncomingMessage): RawBody | undefined {
  return (req as WithRaw)[RAW];
}

/** The request announces a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Reads the whole body (up to `limit` bytes; past it, the rest is read and dropped) and keeps
 * it on the request for stage 5. Null when the client went away first (nothing to answer).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<RawBody | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (tooLarge) return;
      if (bytes > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    };
    const done = (body: RawBody | null) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (body) (req as WithRaw)[RAW] = body;
      resolve(body);
    };
    const onEnd = () => done({ chunks, bytes, tooLarge });
    const onClose = () => done(null);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/**
 * A body-parser middleware (express.json, express.urlencoded, …) that also parses a body the
 * control plane read ahead: the bytes are handed to the parser as a stream with the request's
 * headers, so every rule, limit and error is still the parser's own. Every route that parses a
 * body must use its parser through this (the stream itself was already read).
 */
export function readAhead(parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const raw = rawBodyOf(req);
    if (!raw) return parser(req, res, next);
    const surrogate = Object.assign(Readable.from(raw.chunks), {
      headers: req.headers,
    }) as unknown as typeof req;
    parser(surrogate, res, (err?: unknown) => {
      if (err) return next(err);
      req.body = surrogate.body;
      next();
    });
  };
}
