import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from '../contract.ts';
import { jsonPayload } from './raw-json.ts';
import type { CachedResponse, ResponseCache } from './response-cache.ts';
import { headerList, JSON_TYPE, type Reply } from './send.ts';
import type { HeaderList, VendorModule } from './types.ts';

/**
 * The key of a GET's answer: operation, path, the vendor's cache version (it changes with
 * every write and clock move, so old answers become unreachable) and the sorted query. Null
 * when the answer is not cached (other methods, vendors without a version).
 */
export function cacheKey(
  vendor: VendorModule,
  op: Operation,
  path: string,
  query: Readonly<Record<string, unknown>>,
  version = vendor.cacheVersion?.(),
): string | null {
  if (op.method !== 'get' || version === undefined) return null;
  // The version last (it has no `|`): the key without it names the URL (response-cache.ts).
  return `${op.id}|${path}|${canonicalQuery(query)}|${version}`;
}

/**
 * A vendor's cache version (`cacheVersion`): its store's version and the mock clock's time as
 * one text, made again only when either changes, so a request compares the same string (the
 * fast path's memo) instead of making and comparing a new one.
 */
export function cacheVersionOf(version: () => number, now: () => number): () => string {
  let v = Number.NaN;
  let t = Number.NaN;
  let text = '';
  return () => {
    const nv = version();
    const nt = now();
    if (nv !== v || nt !== t) {
      v = nv;
      t = nt;
      text = `${nv}@${nt}`;
    }
    return text;
  };
}

/**
 * The query as one text, the same for the same parameters in any order: each name and value
 * as JSON, by name. (Sorting `Object.entries` compared its pairs as strings, made anew for
 * every comparison: ~5 µs of an uncached request.)
 */
function canonicalQuery(query: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(query);
  if (names.length > 1) names.sort();
  let text = '';
  for (const name of names) text += `${quoted(name)}:${quoted(query[name])},`;
  return text;
}

/**
 * Whether JSON.stringify writes `s` as is between quotes: no quote, backslash or control
 * character, and no surrogate (a lone one it escapes; pairs are left to it too).
 */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * JSON.stringify's text of a value, made here for a string with nothing to escape (nearly
 * every query value): the built-in's four calls cost ~2.6 us of an uncached request in a
 * loaded server (profiled).
 */
function quoted(value: unknown): string {
  return typeof value === 'string' && plain(value)
    ? `"${value}"`
    : (JSON.stringify(value) as string);
}

/** The client has this answer already (its If-None-Match is the answer's ETag): a 304. */
export const notModified = (hit: CachedResponse, headers: IncomingHttpHeaders): boolean =>
  headers['if-none-match'] === hit.etag;

/**
 * The reply of a cached answer: its bytes under `head` (cachedHead's) and `extra`, or a 304
 * when the client has it (If-None-Match) with the headers every answer carries: `lead` (what
 * `head` starts with: the fast path's CORS headers), `extra` (a gate's, the ignored
 * parameters'), then the ETag.
 */
export function cachedReply(
  hit: CachedResponse,
  headers: IncomingHttpHeaders,
  head: HeaderList,
  extra: HeaderList = [],
  lead: HeaderList = [],
): Reply {
  if (notModified(hit, headers))
    return { status: 304, headers: [...lead, ...extra, 'etag', hit.etag], body: null };
  return { status: hit.status, headers: extra.length ? [...head, ...extra] : head, body: hit.body };
}

/** The header list of a cached answer (content type, ETag, its own headers). */
export function cachedHead(hit: CachedResponse, common: HeaderList = []): string[] {
  return [...common, 'content-type', JSON_TYPE, 'etag', hit.etag, ...headerList(hit.headers)];
}

/** Stage: stores a 200 GET answer under its key; returns the entry (with its ETag). */
export function store(
  cache: ResponseCache,
  key: string,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> | undefined,
): CachedResponse {
  return cache.set(key, status, jsonPayload(body), headers ?? {});
}
