import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** How much URL and headers a request may carry (Node's default is 16 KB; long filters need more). */
export const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Answers a request Node could not parse (too much header, a malformed request line) with a
 * JSON body instead of Node's empty one, so clients see why.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, phrase, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          `The URL and headers exceed ${MAX_HEADER_BYTES / 1024} KB.`,
        ]
      : [400, 'Bad Request', 'The request could not be parsed as HTTP.'];
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The HTTP server of a mock: larger header limit, JSON answers to unparseable requests. */
export function createHttpServer(app: RequestListener): Server {
  return createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app).on(
    'clientError',
    answerClientError,
  );
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
