import type { IncomingMessage, ServerResponse } from 'node:http';
import { hmacHex } from '../../../mock/core/crypto.ts';
import { type Receiver, startReceiver } from '../../helpers/webhook-receiver.ts';

/** What a test Customer Data Endpoint received. */
export interface Call {
  readonly headers: IncomingMessage['headers'];
  readonly body: { customerId?: unknown; signature?: unknown };
  readonly validSignature: boolean;
}

export type Behaviour = (call: Call, res: ServerResponse) => void;

const endpoints: Receiver[] = [];

/** Replies with JSON. */
export const reply = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** The behaviour Churnkey's docs ask for: 401 on a bad signature, else the attributes given. */
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

/** Never answers (the connection is closed when the test file ends). */
export const silent: Behaviour = () => {};

/** A Customer Data Endpoint on 127.0.0.1 that checks signatures with `apiKey`. */
export async function startEndpoint(apiKey: string, behaviour: Behaviour) {
  const calls: Call[] = [];
  const endpoint = await startReceiver({
    path: '/churnkey/customer-data',
    handler: (request, res) => {
      let body: Call['body'] = {};
      try {
        body = JSON.parse(request.body);
      } catch {}
      const expected = hmacHex(apiKey, String(body.customerId));
      const call = { headers: request.headers, body, validSignature: body.signature === expected };
      calls.push(call);
      behaviour(call, res);
    },
  });
  endpoints.push(endpoint);
  return { url: endpoint.url, calls };
}

/** Closes every endpoint, hung connections included (afterAll). */
export async function stopEndpoints(): Promise<void> {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
}
