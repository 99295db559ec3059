import { Agent, get } from 'node:http';

/** The credentials churnmock's (and the contract's) Churnkey Data API expects. */
export const CK_HEADERS: Readonly<Record<string, string>> = {
  'x-ck-api-key': 'data_test_churnmock',
  'x-ck-app': 'app_churnmock',
};

/** One response, read to the end, with its wall time as the client saw it. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  /** The response's headers as sent: names and values in turn, names as written. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly ms: number;
}

/** A sequential HTTP client over one keep-alive connection to a 127.0.0.1 server. */
export class HttpClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(readonly base: string) {
    if (new URL(base).hostname !== '127.0.0.1') throw new Error(`not local: ${base}`);
  }

  /** GETs a path (with the Churnkey headers unless others are given) and reads the whole body. */
  get(
    path: string,
    timeoutMs = 60_000,
    headers: Readonly<Record<string, string>> = CK_HEADERS,
  ): Promise<Reply> {
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = get(url, { agent: this.#agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
      });
      req.once('error', reject);
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)),
      );
    });
  }

  /** GETs a path that must answer 200 and parses its JSON. */
  async json(path: string): Promise<unknown> {
    const reply = await this.get(path);
    if (reply.status !== 200)
      throw new Error(`GET ${path}: ${reply.status} ${reply.body.toString().slice(0, 300)}`);
    return JSON.parse(reply.body.toString()) as unknown;
  }

  /** Closes the keep-alive connection so the server can stop promptly. */
  close(): void {
    this.#agent.destroy();
  }
}
