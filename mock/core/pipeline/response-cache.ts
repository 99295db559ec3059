import { createHash } from 'node:crypto';

/** A serialised response, ready to write. */
export interface CachedResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly etag: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A small LRU of serialised GET responses, bounded by entries and bytes. Entries are keyed by
 * the vendor's cache version, so any write or clock move makes old entries unreachable.
 */
export class ResponseCache {
  readonly #entries = new Map<string, CachedResponse>();
  #bytes = 0;

  constructor(
    private readonly maxEntries = 256,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  get(key: string): CachedResponse | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(
    key: string,
    status: number,
    body: Buffer,
    headers: Readonly<Record<string, string>>,
  ): CachedResponse {
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const entry = { status, body, etag, headers };
    if (body.length > this.maxBytes / 4) return entry;
    this.#entries.set(key, entry);
    this.#bytes += body.length;
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#bytes -= this.#entries.get(oldest.value)?.body.length ?? 0;
      this.#entries.delete(oldest.value);
    }
    return entry;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
