/**
 * A handler body that is JSON already, as UTF-8 bytes (a list assembled from per-record
 * fragments encoded once): sent and cached as it is, parsed only where a validator must see it.
 */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
}

/** A handler body as what the response carries: its bytes, or its JSON text. */
export const jsonPayload = (body: unknown): Buffer | string =>
  body instanceof RawJson ? body.bytes : JSON.stringify(body);

/** A handler body as a value (validators). */
export const bodyValue = (body: unknown): unknown =>
  body instanceof RawJson ? (JSON.parse(body.bytes.toString('utf8')) as unknown) : body;
