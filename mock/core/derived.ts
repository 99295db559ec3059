import type { TypedArray } from '../../generators/typed-arrays.ts';

/**
 * Values derived from the seeded data alone (lookup tables, columns, orders): built once per
 * dataset, kept beside it, and saved with it in the data cache (data-cache.ts) so a repeated
 * start loads them instead of building them. Only a pure function of the seeded data may be
 * derived here: the cache's data version covers the code that builds them, not options.
 */

/** A derived value: typed arrays by name, and what JSON can hold beside them. */
export interface Derived {
  readonly arrays: Readonly<Record<string, TypedArray>>;
  readonly meta?: unknown;
}

const memo = new WeakMap<object, Map<string, Derived>>();

function entries(anchor: object): Map<string, Derived> {
  let map = memo.get(anchor);
  if (!map) {
    map = new Map();
    memo.set(anchor, map);
  }
  return map;
}

/**
 * The value under `key` for the dataset `anchor` stands for (the world's customer array):
 * the one built or loaded before, else `build()`'s, kept.
 */
export function derived<T extends Derived>(anchor: object, key: string, build: () => T): T {
  const map = entries(anchor);
  let value = map.get(key) as T | undefined;
  if (!value) {
    value = build();
    map.set(key, value);
  }
  return value;
}

/** Every value derived for the dataset so far (what the data cache saves). */
export function derivedFor(anchor: object): ReadonlyMap<string, Derived> {
  return entries(anchor);
}

/** Values loaded with the dataset: `derived` returns these instead of building. */
export function adoptDerived(anchor: object, loaded: ReadonlyMap<string, Derived>): void {
  const map = entries(anchor);
  for (const [k, v] of loaded) if (!map.has(k)) map.set(k, v);
}
