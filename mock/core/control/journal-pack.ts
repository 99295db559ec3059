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

/**
 * Numbers first (8 bytes each), then the flags and the header count; then the texts: their
 * count, each one's length in UTF-16 units (NULL_TEXT for none), and all of them as one UTF-8
 * run (its byte length first); last the body. One run, not a write per text: encoding and
 * counting ~20 short strings one by one was most of the cost of keeping an entry (~4 µs).
 */
const NUMBERS = 6;
const HEAD_BYTES = NUMBERS * 8 + 4 + 4 + 4;
const NULL_TEXT = 0xffffffff;

/** A record's texts besides the request's header lines (which follow them), in their order. */
const TEXTS = [
  'method',
  'url',
  'clientIp',
  'responseHead',
  'vendor',
  'operation',
  'reason',
  'stub',
  'fault',
] as const satisfies readonly (keyof PackedFields)[];
type TextField = (typeof TEXTS)[number];

/** The texts of a record, in their order: TEXTS, then the header lines. */
function textsOf(f: PackedFields): (string | null)[] {
  const texts: (string | null)[] = TEXTS.map((k) => f[k]);
  for (const h of f.rawHeaders) texts.push(h);
  return texts;
}

/** A record about to be written: its texts, as one run, and the most bytes it can take. */
interface Prepared {
  readonly texts: readonly (string | null)[];
  readonly run: string;
  /** Its size with the run's UTF-8 at its longest (3 bytes a UTF-16 unit): room, not counted. */
  readonly most: number;
}

function prepare(f: PackedFields): Prepared {
  const texts = textsOf(f);
  let run = '';
  for (const t of texts) if (t !== null) run += t;
  return {
    texts,
    run,
    most: HEAD_BYTES + 4 * texts.length + 4 + 3 * run.length + 4 + f.body.length,
  };
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
    const prepared = prepare(f);
    const id = this.#room(prepared.most);
    const slab = this.#slabs.get(id) as Slab;
    const offset = slab.used;
    const end = writeRecord(slab.buffer, offset, f, prepared);
    slab.used = end;
    slab.live++;
    return { slab: id, offset, length: end - offset };
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

/** The numbers and text lengths of the record being written, set through a view, then copied. */
const scratch = new ArrayBuffer(4096);
const scratchView = new DataView(scratch);
const scratchBytes = new Uint8Array(scratch);

function writeRecord(b: Buffer, at: number, f: PackedFields, p: Prepared): number {
  // The fixed part and the lengths go into a scratch buffer by a DataView (little-endian, as
  // readRecord reads them) and into the slab in one copy: ~20 Buffer writes cost more.
  const fixed = HEAD_BYTES + 4 * p.texts.length;
  const v = fixed <= scratch.byteLength ? scratchView : new DataView(new ArrayBuffer(fixed));
  v.setFloat64(0, f.loggedDate, true);
  v.setFloat64(8, f.mockTime, true);
  v.setFloat64(16, f.addedDelayMs, true);
  v.setFloat64(24, f.durationMs ?? Number.NaN, true);
  v.setFloat64(32, f.status ?? Number.NaN, true);
  v.setFloat64(40, f.bodyBytes, true);
  v.setUint32(48, (f.unmatched ? 1 : 0) | (f.bodyTruncated ? 2 : 0), true);
  v.setUint32(52, f.rawHeaders.length, true);
  v.setUint32(56, p.texts.length, true);
  let k = HEAD_BYTES;
  for (const t of p.texts) {
    v.setUint32(k, t === null ? NULL_TEXT : t.length, true);
    k += 4;
  }
  b.set(v === scratchView ? scratchBytes.subarray(0, fixed) : new Uint8Array(v.buffer), at);
  let q = at + fixed;
  // The run's byte length, once written.
  const runBytes = b.write(p.run, q + 4, 'utf8');
  b.writeUInt32LE(runBytes, q);
  q += 4 + runBytes;
  b.writeUInt32LE(f.body.length, q);
  q += 4;
  f.body.copy(b, q);
  return q + f.body.length;
}

const EMPTY = Buffer.alloc(0);

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n);

function readRecord(b: Buffer, at: number): PackedFields {
  const flags = b.readUInt32LE(at + 48);
  const headers = b.readUInt32LE(at + 52);
  const count = b.readUInt32LE(at + 56);
  let q = at + HEAD_BYTES;
  const lengths: number[] = [];
  for (let i = 0; i < count; i++, q += 4) lengths.push(b.readUInt32LE(q));
  const runBytes = b.readUInt32LE(q);
  q += 4;
  const run = b.toString('utf8', q, q + runBytes);
  q += runBytes;
  let from = 0;
  const texts = lengths.map((n) => {
    if (n === NULL_TEXT) return null;
    from += n;
    return run.slice(from - n, from);
  });
  const text = (k: TextField) => texts[TEXTS.indexOf(k)] ?? null;
  const string = (k: TextField) => text(k) ?? '';
  const bodyLength = b.readUInt32LE(q);
  // A copy: the slab is reused once the record is dropped.
  const body = bodyLength === 0 ? EMPTY : Buffer.from(b.subarray(q + 4, q + 4 + bodyLength));
  return {
    method: string('method'),
    url: string('url'),
    rawHeaders: Array.from({ length: headers }, (_, i) => texts[TEXTS.length + i] ?? ''),
    clientIp: string('clientIp'),
    loggedDate: b.readDoubleLE(at),
    mockTime: b.readDoubleLE(at + 8),
    vendor: text('vendor'),
    operation: text('operation'),
    unmatched: (flags & 1) !== 0,
    reason: text('reason'),
    status: orNull(b.readDoubleLE(at + 32)),
    stub: text('stub'),
    fault: text('fault'),
    addedDelayMs: b.readDoubleLE(at + 16),
    responseHead: string('responseHead'),
    durationMs: orNull(b.readDoubleLE(at + 24)),
    body,
    bodyBytes: b.readDoubleLE(at + 40),
    bodyTruncated: (flags & 2) !== 0,
  };
}
