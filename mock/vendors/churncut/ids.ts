import type { Customer } from '../../../generators/world.ts';

// Seeded flow ids are an invertible scramble of the flow's index, so 200k+ seeded flows need no
// id map: `flow_` + 7 base-36 digits of (index ^ K) * M mod 2^32.
const K = 0x5bd1e995;
const M = 0x9e3779b1;
const M_INVERSE = (() => {
  let inv = M;
  for (let i = 0; i < 5; i++) inv = Math.imul(inv, 2 - Math.imul(M, inv));
  return inv;
})();
const SEEDED = /^flow_[0-9a-z]{7}$/;

/** The id of seeded flow number `index`. */
export function seededFlowId(index: number): string {
  return `flow_${(Math.imul(index ^ K, M) >>> 0).toString(36).padStart(7, '0')}`;
}

/** The index of a seeded flow id, or -1 when `id` is not one (or beyond `count`). */
export function seededFlowIndex(id: string, count: number): number {
  if (!SEEDED.test(id)) return -1;
  const index = ((Math.imul(Number.parseInt(id.slice(5), 36), M_INVERSE) >>> 0) ^ K) >>> 0;
  return index < count && seededFlowId(index) === id ? index : -1;
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Customer id → index as an open-addressing table in one Int32Array: a Map of 750k strings
 * costs tens of megabytes, this costs 8.
 */
export class CustomerIndex {
  readonly #slots: Int32Array;
  readonly #mask: number;

  constructor(private readonly customers: readonly Customer[]) {
    let size = 1024;
    while (size < customers.length * 2) size *= 2;
    this.#slots = new Int32Array(size).fill(-1);
    this.#mask = size - 1;
    for (let i = 0; i < customers.length; i++) {
      let s = hash((customers[i] as Customer).id) & this.#mask;
      while ((this.#slots[s] as number) !== -1) s = (s + 1) & this.#mask;
      this.#slots[s] = i;
    }
  }

  /** The index of the customer with this id, or -1. */
  get(id: string): number {
    let s = hash(id) & this.#mask;
    for (;;) {
      const i = this.#slots[s] as number;
      if (i === -1) return -1;
      if (this.customers[i]?.id === id) return i;
      s = (s + 1) & this.#mask;
    }
  }
}
