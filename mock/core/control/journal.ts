import { randomBytes } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';
import type { Trace } from '../pipeline/trace.ts';
import { type PackedFields, PackedRecords } from './journal-pack.ts';
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
  /** Its slot in the journal's ring while its answer is written (the journal's to set). */
  slot = -1;
  /**
   * Milliseconds from arrival to the last byte handed to the connection (an answer written at
   * once) or to the response closing (one that took longer, or the connection going).
   */
  durationMs: number | null = null;
  body: Buffer = EMPTY;
  bodyBytes = 0;
  bodyTruncated = false;
  #recorded: RecordedRequest | null = null;
  /** The request's header lines' length (they never change), once counted. */
  #headerChars = -1;

  constructor(
    /** This process's count of requests when this one arrived (its id's last digits). */
    readonly seq: number,
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
      sequence++,
      req.method ?? 'GET',
      req.url ?? '/',
      req.headers,
      req.rawHeaders,
      req.socket.remoteAddress ?? '',
      wallNow,
      mockNow,
    );
  }

  /** A finished entry read back from its record (journal-pack.ts). */
  static unpack(seq: number, f: PackedFields): JournalEntry {
    const e = new JournalEntry(
      seq,
      f.method,
      f.url,
      headersOf(f.rawHeaders),
      f.rawHeaders,
      f.clientIp,
      f.loggedDate,
      f.mockTime,
    );
    e.vendor = f.vendor;
    e.operation = f.operation;
    e.unmatched = f.unmatched;
    e.reason = f.reason;
    e.status = f.status;
    e.stub = f.stub;
    e.fault = f.fault;
    e.addedDelayMs = f.addedDelayMs;
    e.responseHead = f.responseHead;
    e.durationMs = f.durationMs;
    e.body = f.body;
    e.bodyBytes = f.bodyBytes;
    e.bodyTruncated = f.bodyTruncated;
    return e;
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

  /** Bytes this entry counts against the journal's bound (counted when kept and finished). */
  get size(): number {
    if (this.#headerChars < 0) {
      let n = 0;
      for (const h of this.rawHeaders) n += h.length;
      this.#headerChars = n;
    }
    return (
      ENTRY_OVERHEAD +
      this.url.length +
      this.body.length +
      this.responseHead.length +
      this.#headerChars
    );
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

/** What Node's server reads its header lines with (`joinDuplicateHeaders` off, its default). */
const HEADER_READER = { joinDuplicateHeaders: false };
const addHeaderLine = (
  IncomingMessage.prototype as unknown as {
    _addHeaderLine(this: typeof HEADER_READER, name: string, value: string, into: object): void;
  }
)._addHeaderLine;

/**
 * `req.headers` again from `req.rawHeaders`, by Node's own rules (lower-case names; repeats
 * joined, dropped or listed as Node does for each name).
 */
export function headersOf(raw: readonly string[]): IncomingMessage['headers'] {
  const headers: IncomingMessage['headers'] = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    if (typeof addHeaderLine === 'function')
      addHeaderLine.call(HEADER_READER, name, value, headers);
    // A Node without it: names lower-cased, repeats joined.
    else {
      const key = name.toLowerCase();
      const had = headers[key];
      headers[key] = had === undefined ? value : `${had}, ${value}`;
    }
  }
  return headers;
}

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
  return new Recorded(method, url, headers, body);
}

/**
 * recordedRequest's object. A class with its getter on the prototype, not an object literal
 * with a getter: each such literal's getter is kept in the old generation, so what its closure
 * held (the request) outlived young collections (see ValidInput in pipeline.ts).
 */
class Recorded implements RecordedRequest {
  readonly path: string;
  readonly query: Record<string, string[]> = {};
  #body: (() => string) | null;
  #text: string | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingMessage['headers'],
    body: () => string,
  ) {
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    if (q >= 0)
      for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
        const values = this.query[k];
        if (values) values.push(v);
        else this.query[k] = [v];
      }
    this.#body = body;
  }

  get body(): string {
    if (this.#text === undefined) {
      this.#text = (this.#body as () => string)();
      this.#body = null;
    }
    return this.#text;
  }
}

/** Answers of `list`, WireMock's `GET /__admin/requests`. */
export interface ListOptions {
  readonly limit?: number;
  /** Only entries logged after this time (epoch ms). */
  readonly since?: number;
}

/** A ring slot's state. */
const EMPTY_SLOT = 0;
/** The entry's object (its answer is not finished yet). */
const LIVE = 1;
/** The entry's record in PackedRecords. */
const PACKED = 2;
/** The entry's object, its answer finished: packed with the next batch. */
const FINISHED = 3;
/**
 * Finished entries are packed this many at a time: packing one right after its answer cost
 * ~3.7 µs in a loaded server (its caches full of the server's own work) against ~1.3 µs in a
 * loop of packing alone; a batch runs with its code and data warm.
 */
export const PACK_BATCH = 64;

/**
 * The request journal: a ring of the newest entries, bounded by count and by bytes
 * (JOURNAL_MAX_BYTES), newest first in every listing, as WireMock's. An entry is kept as its
 * object while its answer is being written and as bytes once it is finished, PACK_BATCH at a
 * time (journal-pack.ts: ten thousand kept objects cost every request that followed them); a
 * listing reads them back.
 */
export class Journal {
  /** Per slot of the ring: its state, the entry's sequence number, time and size. */
  readonly #state: Uint8Array;
  readonly #seq: Float64Array;
  readonly #logged: Float64Array;
  readonly #accounted: Float64Array;
  /** Finished entries: where their record is. */
  readonly #slab: Int32Array;
  readonly #offset: Uint32Array;
  readonly #length: Uint32Array;
  /** Unfinished entries: the object. */
  readonly #live: (JournalEntry | undefined)[];
  readonly #records = new PackedRecords();
  /** Slots of FINISHED entries, oldest first (a slot may have been emptied since). */
  #unpacked: number[] = [];
  #start = 0;
  /** Slots in use, kept entries or removed ones, oldest at #start. */
  #count = 0;
  /** Entries kept (slots not emptied by `remove`). */
  #kept = 0;
  #bytes = 0;
  /** Entries that ever left by the bound (not by a clear or delete). */
  #evicted = 0;

  constructor(
    readonly capacity: number = DEFAULT_JOURNAL_SIZE,
    readonly maxBytes: number = JOURNAL_MAX_BYTES,
  ) {
    this.#state = new Uint8Array(capacity);
    this.#seq = new Float64Array(capacity);
    this.#logged = new Float64Array(capacity);
    this.#accounted = new Float64Array(capacity);
    this.#slab = new Int32Array(capacity);
    this.#offset = new Uint32Array(capacity);
    this.#length = new Uint32Array(capacity);
    this.#live = new Array(capacity);
  }

  /** Keeps an entry (the control plane makes it when the request arrives). */
  add(entry: JournalEntry): void {
    if (this.capacity === 0) return;
    if (this.#count === this.capacity) this.#dropOldest(true);
    const slot = (this.#start + this.#count) % this.capacity;
    this.#count++;
    this.#kept++;
    this.#state[slot] = LIVE;
    this.#live[slot] = entry;
    this.#seq[slot] = entry.seq;
    this.#logged[slot] = entry.loggedDate;
    entry.slot = slot;
    const size = entry.size;
    this.#accounted[slot] = size;
    this.#bytes += size;
    this.#trim();
  }

  /**
   * The entry's answer is known: it is counted again (its head adds bytes) and packed, with the
   * next PACK_BATCH finished entries (until then it is read as the object it is).
   */
  finished(entry: JournalEntry): void {
    const slot = this.#slotOf(entry);
    if (slot < 0) return;
    this.#account(slot, entry);
    if (this.#state[slot] !== LIVE) return;
    this.#state[slot] = FINISHED;
    this.#unpacked.push(slot);
    if (this.#unpacked.length >= PACK_BATCH) this.#pack();
  }

  /** Packs the finished entries still kept as objects. */
  #pack(): void {
    const slots = this.#unpacked;
    this.#unpacked = [];
    for (const slot of slots) {
      // Emptied since (dropped, removed, cleared), or a newer entry's slot now.
      if (this.#state[slot] !== FINISHED) continue;
      const place = this.#records.write(this.#live[slot] as JournalEntry);
      this.#live[slot] = undefined;
      this.#state[slot] = PACKED;
      this.#slab[slot] = place.slab;
      this.#offset[slot] = place.offset;
      this.#length[slot] = place.length;
    }
  }

  /** Keeps (the first JOURNAL_BODY_BYTES of) the body an entry's request carried. */
  setBody(entry: JournalEntry, chunks: readonly Buffer[], bytes: number): void {
    const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    entry.body =
      all.length > JOURNAL_BODY_BYTES ? Buffer.from(all.subarray(0, JOURNAL_BODY_BYTES)) : all;
    entry.bodyBytes = bytes;
    entry.bodyTruncated = bytes > entry.body.length;
    const slot = this.#slotOf(entry);
    if (slot >= 0) this.#account(slot, entry);
  }

  /** The slot of a kept entry still held as its object; -1 once it was dropped or packed. */
  #slotOf(entry: JournalEntry): number {
    const slot = entry.slot;
    return slot >= 0 && this.#live[slot] === entry ? slot : -1;
  }

  /** Counts an entry's bytes again after it grew (body, response head). */
  #account(slot: number, entry: JournalEntry): void {
    const size = entry.size;
    this.#bytes += size - (this.#accounted[slot] as number);
    this.#accounted[slot] = size;
    this.#trim();
  }

  #trim(): void {
    while (this.#bytes > this.maxBytes && this.#kept > 1) this.#dropOldest(true);
  }

  #dropOldest(evicted: boolean): void {
    const slot = this.#start;
    this.#start = (this.#start + 1) % this.capacity;
    this.#count--;
    if (this.#state[slot] === EMPTY_SLOT) return;
    this.#empty(slot);
    if (evicted) this.#evicted++;
  }

  /** Forgets the entry in a slot. */
  #empty(slot: number): void {
    if (this.#state[slot] === PACKED) this.#records.free(this.#place(slot));
    this.#state[slot] = EMPTY_SLOT;
    this.#live[slot] = undefined;
    this.#kept--;
    this.#bytes -= this.#accounted[slot] as number;
  }

  #place(slot: number) {
    return {
      slab: this.#slab[slot] as number,
      offset: this.#offset[slot] as number,
      length: this.#length[slot] as number,
    };
  }

  /** The entry in a kept slot: its object while unfinished, else read back from its record. */
  #entry(slot: number): JournalEntry {
    const live = this.#live[slot];
    if (live) return live;
    return JournalEntry.unpack(this.#seq[slot] as number, this.#records.read(this.#place(slot)));
  }

  /** Entries kept now. */
  get size(): number {
    return this.#kept;
  }

  /** Entries that left because the journal was full (by count or bytes) since the last clear. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Bytes the kept entries count. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The slots of kept entries, newest first (finished ones packed first: read as bytes). */
  *#slots(): Generator<number> {
    if (this.#unpacked.length > 0) this.#pack();
    for (let i = this.#count - 1; i >= 0; i--) {
      const slot = (this.#start + i) % this.capacity;
      if (this.#state[slot] !== EMPTY_SLOT) yield slot;
    }
  }

  /** Every kept entry, newest first. */
  *newestFirst(): Generator<JournalEntry> {
    for (const slot of this.#slots()) yield this.#entry(slot);
  }

  /** WireMock's `GET /__admin/requests`: newest first, at most `limit`, after `since`. */
  list({ limit, since }: ListOptions = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const slot of this.#slots()) {
      if (since !== undefined && (this.#logged[slot] as number) <= since) break;
      if (limit !== undefined && out.length >= limit) break;
      out.push(this.#entry(slot));
    }
    return out;
  }

  /** The slot of the kept entry with this sequence number (slots hold them in order), or -1. */
  #slotOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const slot = (this.#start + mid) % this.capacity;
      const at = this.#seq[slot] as number;
      if (at === seq) return this.#state[slot] === EMPTY_SLOT ? -1 : slot;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(id: string): JournalEntry | undefined {
    if (this.#unpacked.length > 0) this.#pack();
    const seq = sequenceOf(id);
    const slot = seq === undefined ? -1 : this.#slotOfSeq(seq);
    return slot < 0 ? undefined : this.#entry(slot);
  }

  /** Forgets one entry; false when there is none by that id. */
  remove(id: string): boolean {
    const seq = sequenceOf(id);
    const slot = seq === undefined ? -1 : this.#slotOfSeq(seq);
    if (slot < 0) return false;
    this.#empty(slot);
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
    this.#state.fill(EMPTY_SLOT);
    this.#live.fill(undefined);
    this.#unpacked = [];
    this.#records.clear();
    this.#start = 0;
    this.#count = 0;
    this.#kept = 0;
    this.#bytes = 0;
    this.#evicted = 0;
  }
}
