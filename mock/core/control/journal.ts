import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Trace } from '../pipeline/trace.ts';
import type { RecordedRequest, RequestMatcher } from './pattern.ts';

/** Entries kept by default (`--journal-size`). */
export const DEFAULT_JOURNAL_SIZE = 10_000;
/** The most of a request body an entry keeps; longer bodies are cut and flagged. */
export const JOURNAL_BODY_BYTES = 64 * 1024;
/**
 * The most all kept entries may hold (bodies, URLs and headers counted as bytes): past it the
 * oldest go, whatever `--journal-size` says. Node caps a request head at 16 KB, so one entry
 * holds at most ~80 KB; a typical API call ~1 KB.
 */
export const JOURNAL_MAX_BYTES = 64 * 1024 * 1024;
/** What an entry costs beside its bytes (the objects themselves), for the byte bound. */
const ENTRY_OVERHEAD = 512;

/** How a request was answered. */
export interface Outcome {
  status: number | null;
  /** The stub mapping that answered (or delayed, or broke) it. */
  stub: string | null;
  /** The fault a stub applied instead of an answer. */
  fault: string | null;
  /** Milliseconds a stub held the answer back. */
  addedDelayMs: number;
}

/**
 * Request ids are UUIDs (version 4's layout) made of this process's random part and the
 * request's sequence number in its last 12 digits: unique in the process, unguessable across
 * processes, and formatted only when asked for (a request nobody lists costs a counter).
 */
const BOOT = randomBytes(10).toString('hex');
const ID_PREFIX = `${BOOT.slice(0, 8)}-${BOOT.slice(8, 12)}-4${BOOT.slice(12, 15)}-${'89ab'[Number.parseInt(BOOT.slice(15, 16), 16) & 3]}${BOOT.slice(16, 19)}-`;
let sequence = 0;

/** The sequence number in a request id of this process; undefined for any other id. */
export function sequenceOf(id: string): number | undefined {
  if (id.length !== ID_PREFIX.length + 12 || !id.startsWith(ID_PREFIX)) return undefined;
  const tail = id.slice(ID_PREFIX.length);
  return /^[0-9a-f]{12}$/.test(tail) ? Number.parseInt(tail, 16) : undefined;
}

/** One journaled request: what came in, who took it, how it was answered. */
export class JournalEntry implements Trace, Outcome {
  /** This process's count of requests when this one arrived (its id's last digits). */
  readonly seq = sequence++;
  #id: string | null = null;
  vendor: string | null = null;
  operation: string | null = null;
  unmatched = false;
  reason: string | null = null;
  status: number | null = null;
  stub: string | null = null;
  fault: string | null = null;
  addedDelayMs = 0;
  /** The response's status line and headers as sent (set when it finishes). */
  responseHead = '';
  /** Bytes counted against the journal's bound when last accounted. */
  accounted = 0;
  /**
   * Milliseconds from arrival to the last byte handed to the connection (an answer written at
   * once) or to the response closing (one that took longer, or the connection going).
   */
  durationMs: number | null = null;
  body: Buffer = EMPTY;
  bodyBytes = 0;
  bodyTruncated = false;
  #recorded: RecordedRequest | null = null;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingMessage['headers'],
    readonly rawHeaders: readonly string[],
    readonly clientIp: string,
    /** Wall time of arrival (epoch ms). */
    readonly loggedDate: number,
    /** The mock clock's time at arrival (epoch ms). */
    readonly mockTime: number,
  ) {}

  /** The entry of a request that just arrived. */
  static of(req: IncomingMessage, wallNow: number, mockNow: number): JournalEntry {
    return new JournalEntry(
      req.method ?? 'GET',
      req.url ?? '/',
      req.headers,
      req.rawHeaders,
      req.socket.remoteAddress ?? '',
      wallNow,
      mockNow,
    );
  }

  /** Records how the answer ended (called once it is written, or when the response closes). */
  finish(res: ServerResponse, wallNow: number): void {
    this.durationMs = wallNow - this.loggedDate;
    if (res.headersSent && this.fault === null) {
      this.status = res.statusCode;
      // Node keeps the head it wrote (headers given to writeHead as a list are not in
      // getHeaders()); a string already built, so keeping it costs no copy.
      const head = (res as unknown as { _header?: unknown })._header;
      if (typeof head === 'string') this.responseHead = head;
    }
  }

  /** The request's id: a UUID (see ID_PREFIX). */
  get id(): string {
    this.#id ??= ID_PREFIX + this.seq.toString(16).padStart(12, '0');
    return this.#id;
  }

  /** The path part of the URL. */
  get path(): string {
    const q = this.url.indexOf('?');
    return q < 0 ? this.url : this.url.slice(0, q);
  }

  /** The request as patterns see it (built on first use). */
  recorded(): RecordedRequest {
    this.#recorded ??= recordedRequest(this.method, this.url, this.headers, () =>
      this.body.toString('utf8'),
    );
    return this.#recorded;
  }

  /** Bytes this entry counts against the journal's bound. */
  get size(): number {
    let n = ENTRY_OVERHEAD + this.url.length + this.body.length + this.responseHead.length;
    for (const h of this.rawHeaders) n += h.length;
    return n;
  }

  /** The response headers as sent (names as written), parsed from the head. */
  responseHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    const lines = this.responseHead.split('\r\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A request as patterns see it: the query decoded (every value of a repeated parameter), the
 * body text made on first read.
 */
export function recordedRequest(
  method: string,
  url: string,
  headers: IncomingMessage['headers'],
  body: () => string,
): RecordedRequest {
  const q = url.indexOf('?');
  const query: Record<string, string[]> = {};
  if (q >= 0)
    for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
      const values = query[k];
      if (values) values.push(v);
      else query[k] = [v];
    }
  let text: string | undefined;
  return {
    method,
    url,
    path: q < 0 ? url : url.slice(0, q),
    query,
    headers,
    get body() {
      text ??= body();
      return text;
    },
  };
}

/** Answers of `list`, WireMock's `GET /__admin/requests`. */
export interface ListOptions {
  readonly limit?: number;
  /** Only entries logged after this time (epoch ms). */
  readonly since?: number;
}

/**
 * The request journal: a ring of the newest entries, bounded by count and by bytes
 * (JOURNAL_MAX_BYTES), newest first in every listing, as WireMock's.
 */
export class Journal {
  readonly #ring: (JournalEntry | undefined)[];
  /** Kept entries by sequence number (an entry removed by id is not in it, though in the ring). */
  readonly #bySeq = new Map<number, JournalEntry>();
  #start = 0;
  #count = 0;
  #bytes = 0;
  /** Entries that ever left by the bound (not by a clear or delete). */
  #evicted = 0;

  constructor(
    readonly capacity: number = DEFAULT_JOURNAL_SIZE,
    readonly maxBytes: number = JOURNAL_MAX_BYTES,
  ) {
    this.#ring = new Array(capacity);
  }

  /** Keeps an entry (the control plane makes it when the request arrives). */
  add(entry: JournalEntry): void {
    this.#push(entry);
  }

  /** Counts an entry again once its answer is known (its head adds bytes). */
  finished(entry: JournalEntry): void {
    this.#account(entry);
  }

  /** Keeps (the first JOURNAL_BODY_BYTES of) the body an entry's request carried. */
  setBody(entry: JournalEntry, chunks: readonly Buffer[], bytes: number): void {
    const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    entry.body =
      all.length > JOURNAL_BODY_BYTES ? Buffer.from(all.subarray(0, JOURNAL_BODY_BYTES)) : all;
    entry.bodyBytes = bytes;
    entry.bodyTruncated = bytes > entry.body.length;
    this.#account(entry);
  }

  /** Counts an entry's bytes again after it grew (body, response head). */
  #account(entry: JournalEntry): void {
    if (this.#bySeq.get(entry.seq) !== entry) return;
    const size = entry.size;
    this.#bytes += size - entry.accounted;
    entry.accounted = size;
    this.#trim();
  }

  #push(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    if (this.#count === this.capacity) this.#dropOldest(true);
    this.#ring[(this.#start + this.#count) % this.capacity] = entry;
    this.#count++;
    this.#bySeq.set(entry.seq, entry);
    entry.accounted = entry.size;
    this.#bytes += entry.accounted;
    this.#trim();
  }

  #trim(): void {
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#dropOldest(true);
  }

  #dropOldest(evicted: boolean): void {
    const old = this.#ring[this.#start];
    this.#ring[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.#count--;
    if (old && this.#bySeq.get(old.seq) === old) {
      this.#bySeq.delete(old.seq);
      this.#bytes -= old.accounted;
      if (evicted) this.#evicted++;
    }
  }

  /** Entries kept now. */
  get size(): number {
    return this.#bySeq.size;
  }

  /** Entries that left because the journal was full (by count or bytes) since the last clear. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Bytes the kept entries count. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Every kept entry, newest first. */
  *newestFirst(): Generator<JournalEntry> {
    for (let i = this.#count - 1; i >= 0; i--) {
      const e = this.#ring[(this.#start + i) % this.capacity];
      if (e && this.#bySeq.get(e.seq) === e) yield e;
    }
  }

  /** WireMock's `GET /__admin/requests`: newest first, at most `limit`, after `since`. */
  list({ limit, since }: ListOptions = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const e of this.newestFirst()) {
      if (since !== undefined && e.loggedDate <= since) break;
      if (limit !== undefined && out.length >= limit) break;
      out.push(e);
    }
    return out;
  }

  get(id: string): JournalEntry | undefined {
    const seq = sequenceOf(id);
    return seq === undefined ? undefined : this.#bySeq.get(seq);
  }

  /** Forgets one entry; false when there is none by that id. */
  remove(id: string): boolean {
    const e = this.get(id);
    if (!e) return false;
    this.#bySeq.delete(e.seq);
    this.#bytes -= e.accounted;
    return true;
  }

  /** The entries a compiled pattern matches, newest first. */
  find(matches: RequestMatcher): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const e of this.newestFirst()) if (matches(e.recorded())) out.push(e);
    return out;
  }

  /** How many entries a compiled pattern matches. */
  count(matches: RequestMatcher): number {
    let n = 0;
    for (const e of this.newestFirst()) if (matches(e.recorded())) n++;
    return n;
  }

  /** Requests no operation, page or stub took, newest first. */
  unmatched(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const e of this.newestFirst()) if (e.unmatched) out.push(e);
    return out;
  }

  /** Empties the journal. */
  clear(): void {
    this.#ring.fill(undefined);
    this.#bySeq.clear();
    this.#start = 0;
    this.#count = 0;
    this.#bytes = 0;
    this.#evicted = 0;
  }
}
