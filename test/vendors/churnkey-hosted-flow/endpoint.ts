import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test Customer Data Endpoint received. */
export interface Call {
  readonly headers: IncomingMessage['headers'];
  readonly body: { customerId?: unknown; signature?: unknown };
  readonly validSignature: boolean;
}

export type Behaviour = (call: Call, res: ServerResponse) => void;

const servers: Server[] = [];
const hung: ServerResponse[] = [];

/** Replies with JSON. */
export const reply = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** seed 002's reference behaviour: 401 on a bad signature, else the attributes given. */
export const honest =
  (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}): Behaviour =>
  (call, res) =>
    call.validSignature
      ? reply(res, 200, {
          customerId: call.body.customerId,
          ...extra,
          customerAttributes: attributes,
        })
      : reply(res, 401, { error: 'invalid signature' });

/** Never answers (the response is closed when the test file ends). */
export const silent: Behaviour = (_call, res) => {
  hung.push(res);
};

/** A Customer Data Endpoint on 127.0.0.1 that checks signatures with `apiKey`. */
export async function startEndpoint(apiKey: string, behaviour: Behaviour) {
  const calls: Call[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      let body: Call['body'] = {};
      try {
        body = JSON.parse(raw);
      } catch {}
      const expected = createHmac('sha256', apiKey).update(String(body.customerId)).digest('hex');
      const call = { headers: req.headers, body, validSignature: body.signature === expected };
      calls.push(call);
      behaviour(call, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/churnkey/customer-data`, calls };
}

/** Closes every endpoint (afterAll). */
export function stopEndpoints(): void {
  for (const r of hung.splice(0)) r.destroy();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
}
