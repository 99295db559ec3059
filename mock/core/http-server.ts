import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** How much URL and headers a request may carry (Node's default is 16 KB; long filters need more). */
export const MAX_HEADER_BYTES = 64 * 1024;
/**
 * Node's own limit is twice ours: a request between the two reaches the listener, where its
 * path (so its vendor, so its error shape) is known; only one past Node's limit is refused
 * by the parser, whose error carries no request line once the headers span two reads.
 */
const NODE_HEADER_BYTES = 2 * MAX_HEADER_BYTES;

/**
 * The error body of the vendor owning `path` (its own shape: ChurnCut's envelope, Rebilly's
 * problem document), or undefined for a path no vendor owns.
 */
export type ErrorBodyFor = (path: string, status: number, message: string) => unknown;

const TOO_LARGE = `The URL and headers exceed ${MAX_HEADER_BYTES / 1024} KB.`;

/**
 * The server's own time limits (Node's defaults let a request trickle in for 5 minutes): the
 * headers must arrive within `headersTimeoutMs`, the whole request within `requestTimeoutMs`
 * (408 otherwise); an idle keep-alive connection closes after `keepAliveTimeoutMs`.
 */
export interface ServerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** How often the timeouts above are checked. */
  readonly checkIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

/** How long a connection answered with an error is still read (and discarded) before closing. */
const LINGER_MS = 2_000;

/**
 * Writes a whole response on a raw socket and closes it gently: what the client is still
 * sending is read and dropped for a moment, so the close is a FIN after the answer, not a
 * reset that can destroy the answer before the client reads it.
 */
function answerAndClose(socket: Duplex, status: number, phrase: string, body: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.on('data', () => {});
  socket.on('error', () => {});
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** The path of a request line at the start of `packet` (`GET /v1/x?y HTTP/1.1`), if it is there. */
function pathOf(packet: Buffer | undefined): string | undefined {
  const line = /^[A-Z]+ (\/[^ ?\r\n]*)/.exec(packet?.subarray(0, 8192).toString('latin1') ?? '');
  return line?.[1];
}

/** The JSON body of an error: the owning vendor's shape when the path is known, else `{message}`. */
function errorJson(
  errorBodyFor: ErrorBodyFor | undefined,
  path: string | undefined,
  status: number,
  message: string,
): string {
  const own = path === undefined ? undefined : errorBodyFor?.(path, status, message);
  return JSON.stringify(own ?? { message });
}

/**
 * Answers a request Node could not parse (too much header, a malformed request line) or that
 * took too long to arrive, with a JSON body instead of Node's empty one, so clients see why;
 * in the vendor's error shape when the request line is in the packet that failed.
 */
function clientErrorHandler(errorBodyFor: ErrorBodyFor | undefined) {
  return (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void => {
    const [status, phrase, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', TOO_LARGE]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'The request did not arrive in time.']
          : [400, 'Bad Request', 'The request could not be parsed as HTTP.'];
    const body = errorJson(errorBodyFor, pathOf(err.rawPacket), status, message);
    answerAndClose(socket, status, phrase, body);
  };
}

/** The bytes of a request's line and headers, as Node's limit counts them (near enough). */
function headerBytes(req: IncomingMessage): number {
  let n = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12;
  for (const part of req.rawHeaders) n += part.length + 2;
  return n;
}

/** Our header limit, where the path is known: a 431 in the owning vendor's shape. */
function headerLimit(
  app: RequestListener,
  errorBodyFor: ErrorBodyFor | undefined,
): RequestListener {
  return (req, res) => {
    if (headerBytes(req) <= MAX_HEADER_BYTES) return app(req, res);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = errorJson(errorBodyFor, path, 431, TOO_LARGE);
    req.resume();
    res.writeHead(431, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  };
}

/**
 * The HTTP server of a mock: larger header limit, its own timeouts, JSON answers to
 * unparseable, slow and CONNECT requests (in the owning vendor's error shape where
 * `errorBodyFor` knows the path), and a close that lets responses being written finish.
 */
export function createHttpServer(
  app: RequestListener,
  limits: Partial<ServerLimits> = {},
  errorBodyFor?: ErrorBodyFor,
): Server {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  const server = createServer(
    {
      maxHeaderSize: NODE_HEADER_BYTES,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: l.checkIntervalMs,
    },
    headerLimit(app, errorBodyFor),
  );
  server.on('clientError', clientErrorHandler(errorBodyFor));
  // Without a listener Node drops a CONNECT's socket with no answer: the mock is not a proxy.
  server.on('connect', (req, socket: Duplex) =>
    answerAndClose(
      socket,
      405,
      'Method Not Allowed',
      JSON.stringify({
        message: `Method CONNECT not allowed on ${req.url ?? ''}; churnmock is not a proxy`,
      }),
    ),
  );
  // Node's closeIdleConnections (which server.close() calls) destroys a connection whose
  // response has ended but is still being written to a slow reader, cutting the body short.
  // Here a connection with a response in progress (being computed or written) is ended once
  // that response (and any pipelined after it) is written; every other one is closed at once,
  // as Node does. Which response a socket is serving is Node's own `_httpMessage` (set while
  // a response is active, cleared once its last byte is handed to the kernel), so requests
  // cost no bookkeeping.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const endWhenWritten = (socket: Socket): void => {
    const res = activeResponse(socket);
    if (!res) return void socket.end();
    res.once('close', () => endWhenWritten(socket));
  };
  server.closeIdleConnections = () => {
    for (const socket of sockets) {
      if (activeResponse(socket)) endWhenWritten(socket);
      else socket.destroy();
    }
  };
  return server;
}

/** The response a connection is serving (being computed or written), if any. */
function activeResponse(socket: Socket): ServerResponse | undefined {
  const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return res && !res.destroyed ? res : undefined;
}

/** Listens on `port` and `host`; resolves with the base URL once listening (rejects on error). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}
