import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { compactPayload, type Payload, payloadBytes } from './raw-json.ts';

/**
 * What makes this process's ETags its own: an answer is a function of its cache key (operation,
 * path, the vendor's version, the query), but versions start again in another process.
 */
const BOOT = randomBytes(6).toString('base64url');

/** A serialised response, ready to write. */
export interface CachedResponse {
  readonly status: number;
  /** Its bytes, whole or in pieces (RawJson's). */
  readonly body: Buffer | readonly Buffer[];
  readonly etag: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** URLs remembered as answered before, at most (then forgotten all at once). */
export const ANSWERED_URLS = 4096;

/** A key's URL: the key without its version, its last `|` field (cache.ts: cacheKey). */
const urlOf = (key: string) => {
  const bar = key.lastIndexOf('|');
  return bar < 0 ? key : key.slice(0, bar);
};

/**
 * A small LRU of serialised GET responses, bounded by entries and bytes; a body over a quarter
 * of the bytes is not kept. An answer is kept only for a URL answered before (a bounded set of
 * URLs, keys without their version, decides): a client that never repeats a URL (a sync
 * paging through, a dashboard moving its range) costs no cache insert, eviction or retained
 * body; one that repeats a URL is answered from the cache from its third request, and again
 * from its second after each write or clock move (the URL is still known). Entries are keyed
 * by the vendor's cache version, so any write or clock move makes old entries unreachable. An
 * entry's ETag names its key in this process: the same key is the same bytes, another key (a
 * write since, another query) another tag.
 */
export class ResponseCache {
  readonly #entries: LRUCache<string, CachedResponse>;
  readonly #answered = new Set<string>();

  constructor(maxEntries = 256, maxBytes = 64 * 1024 * 1024) {
    this.#entries = new LRUCache({
      max: maxEntries,
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes / 4),
      // lru-cache wants a positive size: an empty body counts as one byte.
      sizeCalculation: (entry) => Math.max(1, payloadBytes(entry.body)),
    });
  }

  get(key: string): CachedResponse | undefined {
    return this.#entries.get(key);
  }

  /**
   * The entry for an answer (its body compacted), kept if its URL was answered before. A kept
   * body gets a buffer of its own; one only sent may share one with other answers' bodies.
   */
  set(
    key: string,
    status: number,
    payload: Payload,
    headers: Readonly<Record<string, string>>,
  ): CachedResponse {
    const url = urlOf(key);
    const kept = this.#answered.has(url);
    const compact = compactPayload(payload, undefined, kept);
    const body = typeof compact === 'string' ? Buffer.from(compact) : compact;
    // From the key, not the body: hashing a 300 KB page cost more than assembling it.
    const etag = `"${BOOT}${hash('sha1', key, 'base64url')}"`;
    const entry = { status, body, etag, headers };
    if (kept) this.#entries.set(key, entry);
    else {
      if (this.#answered.size >= ANSWERED_URLS) this.#answered.clear();
      this.#answered.add(url);
    }
    return entry;
  }

  clear(): void {
    this.#entries.clear();
    this.#answered.clear();
  }
}
