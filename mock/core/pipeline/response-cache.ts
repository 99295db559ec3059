import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { compactPayload, type Payload, payloadBytes, slabText } from './raw-json.ts';

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

/**
 * 64 bits of a text (two 32-bit multiply-xor lanes over its UTF-16 units, then mixed), as 14
 * base-36 digits. Not a cryptographic hash, which an ETag does not need: two keys of one URL
 * share a tag with odds of 2^-64. A C++ hash (crypto's sha1) cost ~3 us of an uncached answer
 * in a loaded server, against ~0.5 us in a loop of hashing alone; this runs as compiled
 * JavaScript beside the code that calls it.
 */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a = Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) ^ b;
  b = Math.imul(b ^ (b >>> 13), 0x297a2d39) ^ a;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  return (a >>> 0).toString(36).padStart(7, '0') + (b >>> 0).toString(36).padStart(7, '0');
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
    // Text only sent goes into a shared slab (slabText); kept, its own buffer.
    const text = typeof compact === 'string';
    const body = text ? (kept ? Buffer.from(compact) : slabText(compact)) : compact;
    // From the key, not the body: hashing a 300 KB page cost more than assembling it.
    const etag = `"${BOOT}${fingerprint(key)}"`;
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
