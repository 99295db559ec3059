import { longLived } from '../../generators/typed-arrays.ts';
import type { Customer } from '../../generators/world.ts';
import { derived } from './derived.ts';

/** FNV-1a over a string's UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** hash(s.toLowerCase()), folding ASCII letters in the loop (no new string) when it can. */
function foldedHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c > 127) return hash(s.toLowerCase());
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
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

  /**
   * `fold`: keys compare case-insensitively (as lower case): `get` takes a lower-cased key,
   * and no lower-cased copy of every key is made.
   */
  constructor(
    size: number,
    keyOf: (i: number) => string,
    fold = false,
    tables?: { readonly slots: Int32Array; readonly hashes: Uint32Array },
  ) {
    this.#keyOf = fold ? (i) => keyOf(i).toLowerCase() : keyOf;
    if (tables) {
      // Built before over the same keys (a derived value, see customerIds).
      this.#slots = tables.slots;
      this.#hashes = tables.hashes;
      this.#mask = tables.slots.length - 1;
      return;
    }
    let count = 1024;
    while (count < size * 2) count *= 2;
    const slots = longLived(Int32Array, count).fill(-1);
    const hashes = longLived(Uint32Array, count);
    const mask = count - 1;
    for (let i = 0; i < size; i++) {
      const raw = keyOf(i);
      const h = fold ? foldedHash(raw) : hash(raw);
      let s = h & mask;
      for (;;) {
        const j = slots[s] as number;
        if (j === -1 || (hashes[s] === h && this.#keyOf(j) === this.#keyOf(i))) break;
        s = (s + 1) & mask;
      }
      slots[s] = i;
      hashes[s] = h;
    }
    this.#slots = slots;
    this.#hashes = hashes;
    this.#mask = mask;
  }

  /** The table's arrays (what `tables` takes to rebuild it without hashing). */
  get tables(): { readonly slots: Int32Array; readonly hashes: Uint32Array } {
    return { slots: this.#slots, hashes: this.#hashes };
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

const indexes = new WeakMap<readonly Customer[], Map<string, StringIndex>>();

/** The index of `customers` by `keyOf`, built once (a derived value: see derived.ts). */
function customerIndex(
  customers: readonly Customer[],
  name: string,
  keyOf: (i: number) => string,
  fold: boolean,
): StringIndex {
  let mine = indexes.get(customers);
  if (!mine) {
    mine = new Map();
    indexes.set(customers, mine);
  }
  let index = mine.get(name);
  if (!index) {
    const { arrays } = derived(customers, `customers.${name}`, () => ({
      arrays: new StringIndex(customers.length, keyOf, fold).tables,
    }));
    const tables = arrays as { slots: Int32Array; hashes: Uint32Array };
    index = new StringIndex(customers.length, keyOf, fold, tables);
    mine.set(name, index);
  }
  return index;
}

/** Customer id → position in `customers`, built once per array (every vendor shares it). */
export function customerIds(customers: readonly Customer[]): StringIndex {
  return customerIndex(customers, 'ids', (i) => (customers[i] as Customer).id, false);
}

/**
 * Lower-cased e-mail → position in `customers`, built once per array. Look up a lower-cased
 * address.
 */
export function customerEmails(customers: readonly Customer[]): StringIndex {
  return customerIndex(customers, 'emails', (i) => (customers[i] as Customer).email, true);
}
