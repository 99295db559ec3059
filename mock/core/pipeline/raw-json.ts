/**
 * A handler body that is JSON already, as UTF-8 bytes in pieces (a list assembled from
 * per-record fragments encoded once): sent as the pieces it is (one `writev`, no copy into a
 * page-sized buffer), cached as they are, parsed only where a validator must see it.
 */
export class RawJson {
  /** Bytes in all. */
  readonly length: number;

  constructor(readonly chunks: readonly Buffer[]) {
    let n = 0;
    for (const c of chunks) n += c.length;
    this.length = n;
  }

  /** The JSON text. */
  text(): string {
    return Buffer.concat(this.chunks as Buffer[], this.length).toString('utf8');
  }
}

/** What a response carries: JSON text, bytes, or bytes in pieces written one after another. */
export type Payload = string | Buffer | readonly Buffer[];

/** A handler body as what the response carries: its pieces, or its JSON text. */
export const jsonPayload = (body: unknown): Payload =>
  body instanceof RawJson ? body.chunks : JSON.stringify(body);

/** A payload's length in bytes (its Content-Length). */
export function payloadBytes(p: Payload): number {
  if (typeof p === 'string') return Buffer.byteLength(p);
  if (Buffer.isBuffer(p)) return p.length;
  let n = 0;
  for (const c of p) n += c.length;
  return n;
}

/** Bodies in pieces up to this size are copied into one buffer before they are written. */
const CONCAT_BYTES = 64 * 1024;

/**
 * A payload to write: small pieces (a customer's JSON around its status) as one buffer, since
 * one copy costs less than a writev of dozens of them; large pages as their pieces.
 */
export function compactPayload(p: Payload, bytes: number = payloadBytes(p)): Payload {
  if (typeof p === 'string' || Buffer.isBuffer(p)) return p;
  // One piece is its own buffer: nothing to join.
  if (p.length === 1) return p[0] as Buffer;
  return bytes > CONCAT_BYTES ? p : Buffer.concat(p as Buffer[], bytes);
}

/** A handler body as a value (validators). */
export const bodyValue = (body: unknown): unknown =>
  body instanceof RawJson ? (JSON.parse(body.text()) as unknown) : body;
