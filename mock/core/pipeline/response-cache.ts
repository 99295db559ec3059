import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** A serialised response, ready to write. */
export interface CachedResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly etag: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A small LRU of serialised GET responses, bounded by entries and bytes; a body over a quarter
 * of the bytes is not kept. Entries are keyed by the vendor's cache version, so any write or
 * clock move makes old entries unreachable.
 */
export class ResponseCache {
  readonly #entries: LRUCache<string, CachedResponse>;

  constructor(maxEntries = 256, maxBytes = 64 * 1024 * 1024) {
    this.#entries = new LRUCache({
      max: maxEntries,
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes / 4),
      // lru-cache wants a positive size: an empty body counts as one byte.
      sizeCalculation: (entry) => Math.max(1, entry.body.length),
    });
  }

  get(key: string): CachedResponse | undefined {
    return this.#entries.get(key);
  }

  set(
    key: string,
    status: number,
    body: Buffer,
    headers: Readonly<Record<string, string>>,
  ): CachedResponse {
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const entry = { status, body, etag, headers };
    this.#entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.#entries.clear();
  }
}
