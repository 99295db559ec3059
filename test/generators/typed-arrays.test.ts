import { describe, expect, it } from 'vitest';
import { Rng } from '../../generators/random.ts';
import { groupByKey, orderByValue, sortTies } from '../../generators/typed-arrays.ts';

describe('groupByKey', () => {
  it('groups positions by key, in their order within a key', () => {
    const { order, start } = groupByKey([2, 0, 2, 1, 0], 4);
    expect([...start]).toEqual([0, 2, 3, 5, 5]);
    expect([...order]).toEqual([1, 4, 3, 0, 2]);
  });
});

describe('orderByValue: a stable sort by value, packed', () => {
  const stable = (values: ArrayLike<number>, among: readonly number[]) =>
    [...among].sort((a, b) => (values[a] as number) - (values[b] as number));

  it('orders every position, ties by position, as a stable comparator sort does', () => {
    const r = new Rng(3);
    for (const n of [0, 1, 2, 17, 1000, 70_000]) {
      // Few distinct values: plenty of ties; times near 2025 as the data has them.
      const values = Float64Array.from({ length: n }, () => 1.7e12 + r.int(0, 50) * 1000);
      const all = Array.from({ length: n }, (_, i) => i);
      expect([...orderByValue(values)]).toEqual(stable(values, all));
      const some = all.filter((i) => i % 3 !== 0);
      expect([...orderByValue(values, some)]).toEqual(stable(values, some));
    }
  });

  it('orders values spread over every digit (up to 2^48 apart)', () => {
    const r = new Rng(4);
    const values = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? 2 ** 20 : Math.floor(r.float() * 2 ** 47) + 2 ** 20,
    );
    const all = Array.from({ length: values.length }, (_, i) => i);
    expect([...orderByValue(values)]).toEqual(stable(values, all));
  });

  it('falls back to the comparator for fractions and for values too far apart to pack', () => {
    const values = [0.5, -3, 2 ** 62, 7, 0.5, -3];
    const all = values.map((_, i) => i);
    expect([...orderByValue(values)]).toEqual(stable(values, all));
  });
});

describe('sortTies', () => {
  it('sorts only the runs of equal values, each by the comparator', () => {
    const values = [5, 3, 5, 5, 1, 3];
    const order = orderByValue(values); // [4, 1, 5, 0, 2, 3]
    const byIndexDesc = (a: number, b: number) => b - a;
    expect([...sortTies(order, values, byIndexDesc)]).toEqual([4, 5, 1, 3, 2, 0]);
  });

  it('leaves an order without ties as it is', () => {
    const order = new Uint32Array([2, 0, 1]);
    expect([...sortTies(order, [1, 2, 0], () => 1)]).toEqual([2, 0, 1]);
  });
});
