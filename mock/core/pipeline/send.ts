import type { ServerResponse } from 'node:http';
import { reasonOf } from '../control/log.ts';
import { compactPayload, jsonPayload, type Payload, payloadBytes } from './raw-json.ts';
import { markReason } from './trace.ts';
import type { HandlerResult, HeaderList } from './types.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** A response ready to write: status, a flat header list, and the body (null: none). */
export interface Reply {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Payload | null;
}

/** A header object as a flat list (`writeHead` takes it without merging objects). */
export function headerList(headers: Readonly<Record<string, string>> | undefined): string[] {
  const list: string[] = [];
  if (headers) for (const [k, v] of Object.entries(headers)) list.push(k, v);
  return list;
}

/** A handler result as a JSON reply, `extra` headers after its own. */
export function jsonReply(result: HandlerResult, extra: HeaderList = []): Reply {
  return {
    status: result.status,
    headers: ['content-type', JSON_TYPE, ...headerList(result.headers), ...extra],
    body: jsonPayload(result.body),
  };
}

const HELD = Symbol('churnmock.held');

type Holdable = ServerResponse & { [HELD]?: (write: () => void) => void };

/**
 * Holds back the next reply `send` writes to `res`: `later` gets the write and runs it when it
 * likes (`Prefer: delay`, on the mock's scheduler).
 */
export function holdReply(res: ServerResponse, later: (write: () => void) => void): void {
  (res as Holdable)[HELD] = later;
}

/**
 * Writes every API response the mock sends: one `writeHead` with a flat header list (headers
 * set earlier, such as CORS's, are kept; these win), then the body; later, if it is held.
 */
export function send(res: ServerResponse, reply: Reply): void {
  const later = (res as Holdable)[HELD];
  if (later) {
    (res as Holdable)[HELD] = undefined;
    later(() => send(res, reply));
    return;
  }
  const { body } = reply;
  if (body === null) {
    res.writeHead(reply.status, reply.headers as string[]);
    return void res.end();
  }
  // A Content-Length, as servers send a body they have whole (not chunked).
  const bytes = payloadBytes(body);
  res.writeHead(reply.status, [...(reply.headers as string[]), 'content-length', String(bytes)]);
  // Written, then dropped: the body may share a buffer with others.
  endWith(res, compactPayload(body, bytes, false));
}

/** Ends a response with its body: whole, or large pages' pieces queued for one writev. */
function endWith(res: ServerResponse, body: Payload): void {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return void res.end(body);
  res.cork();
  for (const chunk of body) res.write(chunk);
  res.end();
  res.uncork();
}

/**
 * `send` of a stored answer whose header list (`head`, its Content-Length in it) was built
 * once: one `writeHead`, then the bytes; `extra` (a gate's headers) after the list. False,
 * with nothing written, when the reply is held (`holdReply`): `send` takes it then.
 */
export function sendStored(
  res: ServerResponse,
  status: number,
  head: HeaderList,
  extra: HeaderList | undefined,
  body: Buffer | readonly Buffer[],
): boolean {
  if ((res as Holdable)[HELD]) return false;
  res.writeHead(status, (extra?.length ? [...head, ...extra] : head) as string[]);
  endWith(res, body);
  return true;
}

/** `send` of a handler result as JSON. */
export function sendResult(res: ServerResponse, result: HandlerResult, extra?: HeaderList): void {
  // A refusal says why in its body: the journal and the access log keep that message.
  if (result.status >= 400) markReason(res.req, reasonOf(result.body));
  send(res, jsonReply(result, extra));
}
