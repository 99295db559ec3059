import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** How much URL and headers a request may carry (Node's default is 16 KB; long filters need more). */
export const MAX_HEADER_BYTES = 64 * 1024;

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
function answerAndClose(socket: Duplex, status: number, phrase: string, message: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ message });
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

/**
 * Answers a request Node could not parse (too much header, a malformed request line) or that
 * took too long to arrive, with a JSON body instead of Node's empty one, so clients see why.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const [status, phrase, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          `The URL and headers exceed ${MAX_HEADER_BYTES / 1024} KB.`,
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request did not arrive in time.']
        : [400, 'Bad Request', 'The request could not be parsed as HTTP.'];
  answerAndClose(socket, status, phrase, message);
}

/**
 * The HTTP server of a mock: larger header limit, its own timeouts, JSON answers to
 * unparseable, slow and CONNECT requests, and a close that lets responses being written finish.
 */
export function createHttpServer(app: RequestListener, limits: Partial<ServerLimits> = {}): Server {
  const l = { ...DEFAULT_SERVER_LIMITS, ...limits };
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: l.checkIntervalMs,
    },
    app,
  );
  server.on('clientError', answerClientError);
  // Without a listener Node drops a CONNECT's socket with no answer: the mock is not a proxy.
  server.on('connect', (req, socket: Duplex) =>
    answerAndClose(
      socket,
      405,
      'Method Not Allowed',
      `Method CONNECT not allowed on ${req.url ?? ''}; churnmock is not a proxy`,
    ),
  );
  // Node's closeIdleConnections (which server.close() calls) destroys a connection whose
  // response has ended but is still being written to a slow reader, cutting the body short.
  // Here a connection with a response in progress (being computed or written) is ended once
  // that response is written; every other one is closed at once, as Node does.
  const sockets = new Set<Socket>();
  const inFlight = new Map<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      inFlight.delete(socket);
    });
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) return void inFlight.set(socket, left);
      inFlight.delete(socket);
      if (closing) socket.end();
    });
  });
  server.closeIdleConnections = () => {
    closing = true;
    for (const socket of sockets) if (!inFlight.has(socket)) socket.destroy();
  };
  return server;
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
