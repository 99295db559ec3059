/**
 * A finished journal entry as bytes: what the journal keeps of an answered request, outside
 * the JavaScript heap. Ten thousand entries kept as objects (the entry, Node's header object
 * and list, their strings, the response head) outlived the young generation: every scavenge
 * copied them and the old generation filled with them, ~15 µs of CPU on each cached answer
 * (measured against a 50-entry journal, whose entries die young). As bytes in a few reused
 * slabs they cost one copy when the answer is written and nothing after.
 */

/** The fields of a finished entry, as the journal reads them back. */
export interface PackedFields {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly clientIp: string;
  readonly loggedDate: number;
  readonly mockTime: number;
  readonly vendor: string | null;
  readonly operation: string | null;
  readonly unmatched: boolean;
  readonly reason: string | null;
  readonly status: number | null;
  readonly stub: string | null;
  readonly fault: string | null;
  readonly addedDelayMs: number;
  readonly responseHead: string;
  readonly durationMs: number | null;
  readonly body: Buffer;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
}

/** Where a record is: its slab, offset and length. */
export interface Place {
  readonly slab: number;
  readonly offset: number;
  readonly length: number;
}

/** The slabs records are written into; a record over a quarter of one gets a buffer of its own. */
const SLAB_BYTES = 1024 * 1024;
/** Emptied slabs kept for reuse (new array memory sets off V8's full collections). */
const SPARE_SLABS = 4;

/** Numbers first (8 bytes each), then the flags, then each text as its length and bytes. */
const NUMBERS = 6;
const NULL_TEXT = 0xffffffff;

const textBytes = (s: string | null): number => (s === null ? 4 : 4 + Buffer.byteLength(s));

/** A record's size in bytes. */
function recordBytes(f: PackedFields): number {
  let n = NUMBERS * 8 + 4 + 4;
  n += textBytes(f.method) + textBytes(f.url) + textBytes(f.clientIp) + textBytes(f.responseHead);
  n += textBytes(f.vendor) + textBytes(f.operation) + textBytes(f.reason);
  n += textBytes(f.stub) + textBytes(f.fault);
  for (const h of f.rawHeaders) n += textBytes(h);
  return n + 4 + f.body.length;
}

interface Slab {
  readonly buffer: Buffer;
  used: number;
  /** Records in it still kept. */
  live: number;
}

/**
 * Records in slabs: written once, read back as fields, freed by place. A slab whose records
 * are all freed is reused (the journal drops its oldest first, so slabs empty in turn).
 */
export class PackedRecords {
  readonly #slabs = new Map<number, Slab>();
  readonly #spare: Buffer[] = [];
  #current = -1;
  #next = 0;

  /** Writes a record; returns where it is. */
  write(f: PackedFields): Place {
    const length = recordBytes(f);
    const id = this.#room(length);
    const slab = this.#slabs.get(id) as Slab;
    const offset = slab.used;
    // `length` counted each text's UTF-8 bytes as `writeRecord` writes them: they end together.
    slab.used = writeRecord(slab.buffer, offset, f);
    slab.live++;
    return { slab: id, offset, length };
  }

  /** The fields of the record at `place`. */
  read(place: Place): PackedFields {
    const slab = this.#slabs.get(place.slab);
    if (!slab) throw new Error(`journal record: no slab ${place.slab}`);
    return readRecord(slab.buffer, place.offset);
  }

  /** Forgets the record at `place` (its slab is reused once none of its records is kept). */
  free(place: Place): void {
    const slab = this.#slabs.get(place.slab);
    if (!slab) return;
    slab.live--;
    if (slab.live === 0 && place.slab !== this.#current) this.#release(place.slab, slab);
  }

  #release(id: number, slab: Slab): void {
    this.#slabs.delete(id);
    if (slab.buffer.length === SLAB_BYTES && this.#spare.length < SPARE_SLABS)
      this.#spare.push(slab.buffer);
  }

  /** Forgets every record. */
  clear(): void {
    for (const slab of this.#slabs.values())
      if (slab.buffer.length === SLAB_BYTES && this.#spare.length < SPARE_SLABS)
        this.#spare.push(slab.buffer);
    this.#slabs.clear();
    this.#current = -1;
  }

  /** The slab a record of `length` bytes goes into (a new one when the current is full). */
  #room(length: number): number {
    const current = this.#slabs.get(this.#current);
    if (current && current.buffer.length - current.used >= length) return this.#current;
    // A large record: a buffer of its own, the current slab kept for the small ones.
    if (length > SLAB_BYTES / 4) return this.#add(Buffer.allocUnsafeSlow(length), false);
    // The current slab is full: it is freed once its last record is (now, if none is kept).
    if (current && current.live === 0) this.#release(this.#current, current);
    return this.#add(this.#spare.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES), true);
  }

  #add(buffer: Buffer, current: boolean): number {
    const id = this.#next++;
    this.#slabs.set(id, { buffer, used: 0, live: 0 });
    if (current) this.#current = id;
    return id;
  }
}

function writeText(b: Buffer, at: number, s: string | null): number {
  if (s === null) {
    b.writeUInt32LE(NULL_TEXT, at);
    return at + 4;
  }
  const n = b.write(s, at + 4, 'utf8');
  b.writeUInt32LE(n, at);
  return at + 4 + n;
}

function writeRecord(b: Buffer, at: number, f: PackedFields): number {
  b.writeDoubleLE(f.loggedDate, at);
  b.writeDoubleLE(f.mockTime, at + 8);
  b.writeDoubleLE(f.addedDelayMs, at + 16);
  b.writeDoubleLE(f.durationMs ?? Number.NaN, at + 24);
  b.writeDoubleLE(f.status ?? Number.NaN, at + 32);
  b.writeDoubleLE(f.bodyBytes, at + 40);
  b.writeUInt32LE((f.unmatched ? 1 : 0) | (f.bodyTruncated ? 2 : 0), at + 48);
  b.writeUInt32LE(f.rawHeaders.length, at + 52);
  let p = at + 56;
  p = writeText(b, p, f.method);
  p = writeText(b, p, f.url);
  p = writeText(b, p, f.clientIp);
  p = writeText(b, p, f.responseHead);
  p = writeText(b, p, f.vendor);
  p = writeText(b, p, f.operation);
  p = writeText(b, p, f.reason);
  p = writeText(b, p, f.stub);
  p = writeText(b, p, f.fault);
  for (const h of f.rawHeaders) p = writeText(b, p, h);
  b.writeUInt32LE(f.body.length, p);
  p += 4;
  f.body.copy(b, p);
  return p + f.body.length;
}

/** Reads texts one after another from a record. */
class Reader {
  constructor(
    readonly b: Buffer,
    public at: number,
  ) {}

  text(): string | null {
    const n = this.b.readUInt32LE(this.at);
    this.at += 4;
    if (n === NULL_TEXT) return null;
    const s = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  string(): string {
    return this.text() ?? '';
  }
}

const EMPTY = Buffer.alloc(0);

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

function readRecord(b: Buffer, at: number): PackedFields {
  const flags = b.readUInt32LE(at + 48);
  const headers = b.readUInt32LE(at + 52);
  const r = new Reader(b, at + 56);
  const method = r.string();
  const url = r.string();
  const clientIp = r.string();
  const responseHead = r.string();
  const vendor = r.text();
  const operation = r.text();
  const reason = r.text();
  const stub = r.text();
  const fault = r.text();
  const rawHeaders: string[] = [];
  for (let i = 0; i < headers; i++) rawHeaders.push(r.string());
  const bodyLength = b.readUInt32LE(r.at);
  // A copy: the slab is reused once the record is dropped.
  const body = bodyLength === 0 ? EMPTY : Buffer.from(b.subarray(r.at + 4, r.at + 4 + bodyLength));
  return {
    method,
    url,
    rawHeaders,
    clientIp,
    loggedDate: b.readDoubleLE(at),
    mockTime: b.readDoubleLE(at + 8),
    vendor,
    operation,
    unmatched: (flags & 1) !== 0,
    reason,
    status: orNull(b.readDoubleLE(at + 32)),
    stub,
    fault,
    addedDelayMs: b.readDoubleLE(at + 16),
    responseHead,
    durationMs: orNull(b.readDoubleLE(at + 24)),
    body,
    bodyBytes: b.readDoubleLE(at + 40),
    bodyTruncated: (flags & 2) !== 0,
  };
}
