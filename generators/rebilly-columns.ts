import { flat } from './random.ts';
import { LEAD_SOURCE_KEYS } from './rebilly-lead-sources.ts';
import { longLived } from './typed-arrays.ts';

/** The report's twelve aggregation fields (docs/decisions/002), each stored as a coded column. */
export const CODED_FIELDS = [
  'planId',
  'websiteId',
  'canceledBy',
  'cancelCategory',
  ...LEAD_SOURCE_KEYS.map((k) => `leadSource.${k}` as const),
] as const;
export type CodedField = (typeof CODED_FIELDS)[number];

/**
 * Canceled Rebilly subscriptions as columns (about 30 bytes each, so a million fit in ~30 MB),
 * sorted by cancel time, then by customer. Coded columns hold 0 for "missing", otherwise an
 * index into `labels[field]` (whose entry 0 is null).
 */
export interface RebillyCancellations {
  readonly count: number;
  /** Index of the world customer whose subscription this is. */
  readonly customer: Uint32Array;
  /** Epoch seconds: Rebilly timestamps have whole-second precision. */
  readonly startTime: Uint32Array;
  readonly canceledTime: Uint32Array;
  readonly codes: Readonly<Record<CodedField, Uint8Array | Uint16Array>>;
  readonly labels: Readonly<Record<CodedField, readonly (string | null)[]>>;
}

/** Interns the string values of one coded column. */
export class Dictionary {
  readonly labels: (string | null)[] = [null];
  readonly #codes = new Map<string, number>();
  constructor(values: readonly string[] = []) {
    for (const v of values) this.code(v);
  }
  code(value: string | null): number {
    if (value === null) return 0;
    let c = this.#codes.get(value);
    if (c === undefined) {
      c = this.labels.length;
      if (c > 0xffff) throw new Error('rebilly: more than 65,535 distinct values in one column');
      this.#codes.set(value, c);
      this.labels.push(flat(value));
    }
    return c;
  }
}

/**
 * Indices ordered by `keys` ascending, ties in index order: a two-pass LSD radix sort, about ten
 * times faster than a comparator sort at a million entries.
 */
export function stableOrder(keys: Uint32Array, count: number): Uint32Array {
  let from = new Uint32Array(count);
  let to = new Uint32Array(count);
  for (let i = 0; i < count; i++) from[i] = i;
  for (const shift of [0, 16]) {
    const offsets = new Uint32Array(0x10001);
    for (let i = 0; i < count; i++)
      (offsets[(((keys[i] as number) >>> shift) & 0xffff) + 1] as number)++;
    for (let b = 1; b <= 0x10000; b++)
      offsets[b] = (offsets[b] as number) + (offsets[b - 1] as number);
    for (let i = 0; i < count; i++) {
      const k = from[i] as number;
      const b = ((keys[k] as number) >>> shift) & 0xffff;
      to[offsets[b] as number] = k;
      offsets[b] = (offsets[b] as number) + 1;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** The generator's working columns, compacted to `count` rows and sorted by cancel time. */
export function sortByCancelTime(
  raw: {
    customer: Uint32Array;
    start: Uint32Array;
    canceled: Uint32Array;
    codes: Record<CodedField, Uint16Array>;
  },
  count: number,
  dict: Record<CodedField, Dictionary>,
): RebillyCancellations {
  const order = stableOrder(raw.canceled, count);
  const take = <A extends Uint8Array | Uint16Array | Uint32Array>(
    src: ArrayLike<number>,
    out: A,
  ) => {
    for (let i = 0; i < count; i++) out[i] = src[order[i] as number] as number;
    return out;
  };
  const codes = {} as Record<CodedField, Uint8Array | Uint16Array>;
  const labels = {} as Record<CodedField, readonly (string | null)[]>;
  for (const f of Object.keys(raw.codes) as CodedField[]) {
    const small = dict[f].labels.length <= 0x100;
    codes[f] = take(
      raw.codes[f],
      small ? longLived(Uint8Array, count) : longLived(Uint16Array, count),
    );
    labels[f] = Object.freeze(dict[f].labels.slice());
  }
  return {
    count,
    customer: take(raw.customer, longLived(Uint32Array, count)),
    startTime: take(raw.start, longLived(Uint32Array, count)),
    canceledTime: take(raw.canceled, longLived(Uint32Array, count)),
    codes,
    labels,
  };
}
