/**
 * Plain data with typed arrays in it, as JSON plus one run of bytes and back: the data cache's
 * layout (mock/core/data-cache.ts) for the seeded data (snapshot.ts) and what the mock derives
 * from it. Each array is stored as it is, 8-aligned, and read back as a view, not a copy.
 */

const TYPES = { Float64Array, Int32Array, Uint32Array, Uint16Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;

export type TypedArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** Where one typed array's bytes are: its type, byte offset (8-aligned) and length. */
export type ArrayRef = readonly [TypeName, number, number];

/** Collects typed arrays into one run of bytes; `add` gives each one's number. */
export class ArrayWriter {
  readonly refs: ArrayRef[] = [];
  readonly parts: Uint8Array[] = [];
  bytes = 0;

  add(a: TypedArray): number {
    const name = a.constructor.name as TypeName;
    if (!(name in TYPES)) throw new Error(`cannot store a ${name}`);
    const pad = (8 - (this.bytes % 8)) % 8;
    if (pad) this.parts.push(new Uint8Array(pad));
    this.bytes += pad;
    this.refs.push([name, this.bytes, a.length]);
    this.parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    this.bytes += a.byteLength;
    return this.refs.length - 1;
  }
}

/** The arrays an ArrayWriter wrote, as views of `buffer` (which holds its bytes from 0). */
export class ArrayReader {
  constructor(
    readonly refs: readonly ArrayRef[],
    readonly buffer: ArrayBuffer,
  ) {}

  get<T extends TypedArray>(ref: unknown): T {
    const r = typeof ref === 'number' ? this.refs[ref] : undefined;
    if (!r) throw new Error(`no array ${String(ref)}`);
    const [name, offset, length] = r;
    const Type = TYPES[name];
    if (!Type) throw new Error(`unknown array type ${name}`);
    return new Type(this.buffer, offset, length) as T;
  }
}

/** Plain data with typed arrays in it as JSON: each typed array becomes `{ $a: its number }`. */
export function encodeTree(v: unknown, w: ArrayWriter): unknown {
  if (ArrayBuffer.isView(v)) return { $a: w.add(v as TypedArray) };
  if (Array.isArray(v)) return v.map((x) => encodeTree(x, w));
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new Error(`cannot store a ${v.constructor.name}`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeTree(x, w)]));
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`cannot store the number ${v}`);
  return v;
}

/** `encodeTree`'s JSON back, its arrays as views. */
export function decodeTree(v: unknown, r: ArrayReader): unknown {
  if (Array.isArray(v)) return v.map((x) => decodeTree(x, r));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$a' in o) return r.get(o.$a);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeTree(x, r)]));
  }
  return v;
}

/**
 * Positions grouped by key, in their order within a key: a counting sort, so
 * `order[start[k] .. start[k + 1])` are the positions whose key is k (a table's sessions by
 * customer index, a report's subscriptions by code). At least `keys` groups, more if a key is
 * larger. A Map of 750k arrays took seconds to build at 1M sessions; this takes milliseconds.
 */
export function groupByKey(
  keyOf: ArrayLike<number>,
  keys: number,
): { order: Uint32Array; start: Uint32Array } {
  let size = keys;
  for (let i = 0; i < keyOf.length; i++) size = Math.max(size, (keyOf[i] as number) + 1);
  const start = new Uint32Array(size + 1);
  for (let i = 0; i < keyOf.length; i++) (start[(keyOf[i] as number) + 1] as number)++;
  for (let k = 0; k < size; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const next = start.slice(0, size);
  const order = new Uint32Array(keyOf.length);
  for (let i = 0; i < keyOf.length; i++) order[(next[keyOf[i] as number] as number)++] = i;
  return { order, start };
}

/** A typed array of whole numbers, as the columns keep them. */
export type WholeColumn = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * A column of rows of `width` elements, rearranged: row j of the result is row `order[j]` of
 * `from` (the first `order.length` rows). A row whose bytes are a multiple of four (a
 * Float64, a pair of Uint16s, twelve Uint8s) is copied as 32-bit words, so every wide column
 * takes one loop over one element type: element by element through the column's own type, a
 * million sessions' twelve-byte ids took 0.47 s, as three words 0.09 s. `into`: the result is
 * a view at the start of that buffer instead of a new array.
 */
export function gatherRows<A extends WholeColumn>(
  from: A,
  order: ArrayLike<number>,
  width = 1,
  into?: ArrayBuffer,
): A {
  const n = order.length;
  const Type = from.constructor as new (b: ArrayBuffer | number, at?: number, n?: number) => A;
  const out = into ? new Type(into, 0, n * width) : new Type(n * width);
  const rowBytes = from.BYTES_PER_ELEMENT * width;
  if (rowBytes % 4 === 0 && from.byteOffset % 4 === 0) {
    const words = rowBytes / 4;
    gatherWords(
      new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4),
      new Uint32Array(from.buffer, from.byteOffset, Math.floor(from.byteLength / 4)),
      order,
      words,
    );
  } else if (width === 1) {
    for (let j = 0; j < n; j++) out[j] = from[order[j] as number] as number;
  } else {
    for (let j = 0; j < n; j++) {
      const at = (order[j] as number) * width;
      for (let k = 0; k < width; k++) out[j * width + k] = from[at + k] as number;
    }
  }
  return out;
}

/** `gatherRows` on 32-bit words, `words` to a row. */
function gatherWords(
  out: Uint32Array,
  from: Uint32Array,
  order: ArrayLike<number>,
  words: number,
): void {
  const n = order.length;
  if (words === 1) for (let j = 0; j < n; j++) out[j] = from[order[j] as number] as number;
  else if (words === 2)
    for (let j = 0; j < n; j++) {
      const at = 2 * (order[j] as number);
      out[2 * j] = from[at] as number;
      out[2 * j + 1] = from[at + 1] as number;
    }
  else
    for (let j = 0; j < n; j++) {
      const at = words * (order[j] as number);
      for (let k = 0; k < words; k++) out[words * j + k] = from[at + k] as number;
    }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The positions `among` (default: every index of `values`) in ascending order of their value,
 * equal values by their place in `among`: what a stable comparator sort gives. Each value's
 * offset from the smallest and its place are packed in one 64-bit integer, written as two
 * 32-bit halves (no BigInt per element), and sorted by the engine's numeric sort with no call
 * per comparison: over 750,000 customers a comparator took 0.5 s, a four-pass radix sort
 * 0.11-0.17 s per million, this 0.09 s. Values that are not whole numbers, or span more than
 * the bits the places leave (or 2^53), take the comparator.
 */
export function orderByValue(values: ArrayLike<number>, among?: ArrayLike<number>): Int32Array {
  const n = among ? among.length : values.length;
  // The values in `among`'s order (their places are what the sort orders).
  let v: ArrayLike<number> = values;
  if (among) {
    const gathered = new Float64Array(n);
    for (let j = 0; j < n; j++) gathered[j] = values[among[j] as number] as number;
    v = gathered;
  }
  const order = sortedPlaces(v, n);
  if (among) for (let k = 0; k < n; k++) order[k] = among[order[k] as number] as number;
  return order;
}

/** Places 0..n-1 of `v` by value, equal values by place (orderByValue). */
function sortedPlaces(v: ArrayLike<number>, n: number): Int32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let whole = true;
  for (let j = 0; j < n; j++) {
    const x = v[j] as number;
    if (x < min) min = x;
    if (x > max) max = x;
    if (!Number.isInteger(x)) whole = false;
  }
  const order = new Int32Array(n);
  const placeBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const span = max - min;
  const fits = span <= Number.MAX_SAFE_INTEGER && span < 2 ** (64 - placeBits);
  if (n < 2 || !whole || !LITTLE_ENDIAN || placeBits > 31 || !fits) {
    for (let j = 0; j < n; j++) order[j] = j;
    return n < 2 ? order : order.sort((a, b) => (v[a] as number) - (v[b] as number));
  }
  const packed = new BigUint64Array(n);
  const halves = new Uint32Array(packed.buffer);
  const lowSpan = 2 ** (32 - placeBits);
  const shift = 2 ** placeBits;
  for (let j = 0; j < n; j++) {
    const d = (v[j] as number) - min;
    const high = Math.floor(d / lowSpan);
    halves[2 * j] = (d - high * lowSpan) * shift + j;
    halves[2 * j + 1] = high;
  }
  packed.sort();
  const mask = shift - 1;
  for (let k = 0; k < n; k++) order[k] = (halves[2 * k] as number) & mask;
  return order;
}

/**
 * Sorts each run of `order` whose positions have equal `values` by `compare` (an order by
 * value, its ties then broken another way: by id).
 */
export function sortTies<A extends Int32Array | Uint32Array>(
  order: A,
  values: ArrayLike<number>,
  compare: (a: number, b: number) => number,
): A {
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    const v = values[order[i] as number];
    while (j < order.length && values[order[j] as number] === v) j++;
    if (j - i > 1) order.subarray(i, j).sort(compare);
    i = j;
  }
  return order;
}

/** A typed array's storage grown to `size` elements (its values kept); `kept`: see longLived. */
export function grown<A extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  a: A,
  size: number,
  kept = false,
): A {
  const Type = a.constructor as ColumnType<A>;
  const b = kept ? longLived(Type, size) : new Type(size);
  b.set(a);
  return b;
}

/** A typed array constructor, as `longLived` takes it. */
export interface ColumnType<A> {
  new (length: number): A;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

/** The memory `longLived` hands out while a large start builds its data. */
let reserve: { readonly buffer: ArrayBuffer; used: number } | null = null;

/**
 * Reserves `bytes` for `longLived` arrays, at once (0: none). V8 counts typed arrays' memory
 * as external and runs a full collection each time it has grown by 64 MB since the last one:
 * at scale 100 the columns and indexes a start builds set off three, 150–290 ms each over a
 * ~280 MB heap (`--trace-incremental-marking`: "external memory pressure"). One buffer
 * reserved before the world is drawn costs one collection of a heap that is still small; its
 * pages take memory only once written (the rest is address space).
 */
export function reserveLongLived(bytes: number): void {
  reserve = null;
  if (bytes <= 0) return;
  try {
    reserve = { buffer: new ArrayBuffer(bytes), used: 0 };
  } catch {
    // More than the engine will give one buffer: arrays of their own, as without a reserve.
  }
}

/** Ends the reserve: later arrays get memory of their own (what is left stays unused). */
export function endLongLivedReserve(): { used: number; reserved: number } {
  const r = reserve;
  reserve = null;
  return { used: r?.used ?? 0, reserved: r?.buffer.byteLength ?? 0 };
}

/**
 * A zeroed typed array for data kept as long as the dataset (columns, indexes): from the
 * reserve while it lasts (`reserveLongLived`), else of its own. Never for scratch: the reserve
 * takes nothing back.
 */
export function longLived<A>(Type: ColumnType<A>, length: number): A {
  const r = reserve;
  if (r) {
    const at = (r.used + 7) & ~7;
    const end = at + length * Type.BYTES_PER_ELEMENT;
    if (end <= r.buffer.byteLength) {
      r.used = end;
      return new Type(r.buffer, at, length);
    }
  }
  return new Type(length);
}
