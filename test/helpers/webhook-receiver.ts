import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listen, until } from './wait.ts';

/** One request a receiver got, kept once its body was in. */
export interface Received {
  readonly method: string;
  /** The request target (path and query). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body's bytes as sent (signatures are over these). */
  readonly raw: Buffer;
  /** The body as UTF-8 text. */
  readonly body: string;
  /** `Date.now()` when the body was in. */
  readonly at: number;
}

/** How to answer a request: a status (with body `ok`), or 'hang' (never answer). */
export type Answer = number | 'hang';

export interface ReceiverOptions {
  /** Where to listen on 127.0.0.1; 0 (the default) picks a free port. */
  readonly port?: number;
  /** The path of `url`; default `/hooks`. */
  readonly path?: string;
  /** Answers for the requests in turn, then 200. */
  readonly answers?: readonly Answer[];
  /** Answers each request itself instead (write `res`, or leave it hanging). */
  readonly handler?: (request: Received, res: ServerResponse) => void;
}

/** A test HTTP receiver (of webhooks, or of any POST) on 127.0.0.1 that records every request. */
export interface Receiver {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** `base` and the path. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly Received[];
  /** Resolves with the requests once there are at least `n` (polls; throws after `ms`). */
  waitFor(n: number, ms?: number): Promise<readonly Received[]>;
  /** Closes the server and every connection, hanging ones included. */
  close(): Promise<void>;
}

const open = new Set<Receiver>();

/** Starts a receiver; `closeReceivers` (afterEach / afterAll) closes every one still open. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: Received[] = [];
  const answers = [...(options.answers ?? [])];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const request: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body: raw.toString('utf8'),
        at: Date.now(),
      };
      requests.push(request);
      if (options.handler) return options.handler(request, res);
      const answer = answers.shift() ?? 200;
      if (answer === 'hang') return;
      res.statusCode = answer;
      res.end('ok');
    });
  });
  const base = await listen(server, options.port);
  const receiver: Receiver = {
    base,
    url: `${base}${options.path ?? '/hooks'}`,
    requests,
    waitFor: async (n, ms) => {
      await until(() => requests.length >= n, ms);
      return requests;
    },
    close: () => {
      open.delete(receiver);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  open.add(receiver);
  return receiver;
}

/** Closes every receiver this test file started and has not closed yet. */
export async function closeReceivers(): Promise<void> {
  await Promise.all([...open].map((r) => r.close()));
}
