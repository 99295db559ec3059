import type { Customer } from '../../generators/world.ts';

/** FNV-1a over a string's UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Key → position over `size` items as an open-addressing table in one Int32Array: a Map of
 * 750k strings costs tens of megabytes and most of a second to build, this costs 8 MB and a
 * fraction of that. Like a Map built in order, a key given twice finds its last position.
 */
export class StringIndex {
  readonly #slots: Int32Array;
  /** Each slot's key hash: probes compare these before reading any key. */
  readonly #hashes: Uint32Array;
  readonly #mask: number;
  readonly #keyOf: (i: number) => string;

  constructor(size: number, keyOf: (i: number) => string) {
    this.#keyOf = keyOf;
    let count = 1024;
    while (count < size * 2) count *= 2;
    const slots = new Int32Array(count).fill(-1);
    const hashes = new Uint32Array(count);
    const mask = count - 1;
    for (let i = 0; i < size; i++) {
      const key = keyOf(i);
      const h = hash(key);
      let s = h & mask;
      for (;;) {
        const j = slots[s] as number;
        if (j === -1 || (hashes[s] === h && keyOf(j) === key)) break;
        s = (s + 1) & mask;
      }
      slots[s] = i;
      hashes[s] = h;
    }
    this.#slots = slots;
    this.#hashes = hashes;
    this.#mask = mask;
  }

  /** The position of the item with this key, or -1. */
  get(key: string): number {
    const h = hash(key);
    const slots = this.#slots;
    for (let s = h & this.#mask; ; s = (s + 1) & this.#mask) {
      const i = slots[s] as number;
      if (i === -1 || (this.#hashes[s] === h && this.#keyOf(i) === key)) return i;
    }
  }
}

const byId = new WeakMap<readonly Customer[], StringIndex>();
const byEmail = new WeakMap<readonly Customer[], StringIndex>();

/** Customer id → position in `customers`, built once per array (every vendor shares it). */
export function customerIds(customers: readonly Customer[]): StringIndex {
  let index = byId.get(customers);
  if (!index) {
    index = new StringIndex(customers.length, (i) => (customers[i] as Customer).id);
    byId.set(customers, index);
  }
  return index;
}

/**
 * Lower-cased e-mail → position in `customers`, built once per array. Look up a lower-cased
 * address.
 */
export function customerEmails(customers: readonly Customer[]): StringIndex {
  let index = byEmail.get(customers);
  if (!index) {
    const lower = customers.map((c) => c.email.toLowerCase());
    index = new StringIndex(customers.length, (i) => lower[i] as string);
    byEmail.set(customers, index);
  }
  return index;
}
