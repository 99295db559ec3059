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
 * Shared buffers that bodies only written, not kept, are joined into, one after another. A
 * page-sized buffer of its own (Node's pool serves 4 KB at most) cost more to allocate than to
 * fill, and the external memory of a few thousand a second set off collections.
 */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.alloc(0);
let slabUsed = 0;

/** `bytes` (at most SLAB_BYTES) of a slab, for a body only written. */
function transient(bytes: number): Buffer {
  if (bytes > slab.length - slabUsed) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + bytes);
  // The next body starts on an 8-byte boundary.
  slabUsed += (bytes + 7) & ~7;
  return out;
}

/** Whether `b` is (part of) a slab: a body kept must not hold one (compactPayload copies it). */
const inSlab = (b: Buffer): boolean =>
  b.buffer.byteLength === SLAB_BYTES && b.byteLength < SLAB_BYTES;

/**
 * `text` as bytes in a slab, for a body only written: a page's buffer of its own cost more to
 * allocate than to fill. `latin1` for text known to be ASCII (JSON of dates and numbers: its
 * Latin-1 bytes are its UTF-8 bytes, and counting them is its length). Kept (the response
 * cache), it is copied out of the slab (compactPayload).
 */
export function slabText(text: string, encoding: 'utf8' | 'latin1' = 'utf8'): Buffer {
  const bytes = encoding === 'latin1' ? text.length : Buffer.byteLength(text);
  if (bytes > SLAB_BYTES / 4) return Buffer.from(text, encoding);
  const out = transient(bytes);
  out.write(text, 0, bytes, encoding);
  return out;
}

/** `pieces` (`bytes` in all, at most SLAB_BYTES) copied one after another into a slab. */
function joinTransient(pieces: readonly Buffer[], bytes: number): Buffer {
  const out = transient(bytes);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A payload to write: small pieces (a customer's JSON around its status) as one buffer, since
 * one copy costs less than a writev of dozens of them; large pages as their pieces. `kept`:
 * the result outlives the response (the response cache holds it), so it gets a buffer of its
 * own; otherwise it may share one with other responses' bodies.
 */
export function compactPayload(p: Payload, bytes: number = payloadBytes(p), kept = true): Payload {
  if (typeof p === 'string' || Buffer.isBuffer(p)) return p;
  // One piece is its own buffer (copied out of a slab to be kept): nothing to join.
  if (p.length === 1) {
    const one = p[0] as Buffer;
    return kept && inSlab(one) ? Buffer.from(one) : one;
  }
  if (bytes > CONCAT_BYTES) return p;
  return kept ? Buffer.concat(p as Buffer[], bytes) : joinTransient(p, bytes);
}

/** A handler body as a value (validators). */
export const bodyValue = (body: unknown): unknown =>
  body instanceof RawJson ? (JSON.parse(body.text()) as unknown) : body;
