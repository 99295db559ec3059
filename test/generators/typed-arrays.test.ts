import { describe, expect, it } from 'vitest';
import { Rng } from '../../generators/random.ts';
import { groupByKey, packedOrder } from '../../generators/typed-arrays.ts';

/** Positions by (key, position), as a comparator sorts them. */
const reference = (keys: readonly number[]) =>
  keys.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);

describe('packedOrder', () => {
  const r = new Rng(11);

  it('orders by key, then position, keys up to the bits the positions leave', () => {
    // 3,000 positions take 12 bits: keys up to 2^52 use both 32-bit halves.
    for (const max of [0, 7, 2 ** 20, 2 ** 32 + 5, 2 ** 52 - 1]) {
      const keys = Array.from({ length: 3000 }, () => r.int(0, max));
      expect([...(packedOrder(keys) ?? [])], `keys to ${max}`).toEqual(reference(keys));
    }
  });

  it('keeps positions in order among equal keys', () => {
    const keys = Array.from({ length: 500 }, (_, i) => i % 3);
    expect([...(packedOrder(keys) ?? [])]).toEqual(reference(keys));
  });

  it('orders one key and none', () => {
    expect([...(packedOrder([9]) ?? [])]).toEqual([0]);
    expect([...(packedOrder([]) ?? [1])]).toEqual([]);
  });

  it('is null for keys it cannot pack: negative, fractional, not a number, too large', () => {
    expect(packedOrder([1, -1])).toBeNull();
    expect(packedOrder([1, 0.5])).toBeNull();
    expect(packedOrder([1, Number.NaN])).toBeNull();
    expect(packedOrder([1, 2 ** 53])).toBeNull();
    // 3,000 positions leave 52 bits for the key.
    expect(packedOrder(Array.from({ length: 3000 }, (_, i) => (i ? 1 : 2 ** 52)))).toBeNull();
  });
});

describe('groupByKey', () => {
  it('groups positions by key, in their order within a key', () => {
    const { order, start } = groupByKey([2, 0, 2, 1, 0], 4);
    expect([...start]).toEqual([0, 2, 3, 5, 5]);
    expect([...order]).toEqual([1, 4, 3, 0, 2]);
  });
});
