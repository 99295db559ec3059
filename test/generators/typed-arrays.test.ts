import { describe, expect, it } from 'vitest';
import { generateSeededData } from '../../generators/dataset.ts';
import { Rng } from '../../generators/random.ts';
import {
  endLongLivedReserve,
  gatherRows,
  groupByKey,
  grown,
  longLived,
  orderByValue,
  reserveLongLived,
  sortTies,
  type WholeColumn,
} from '../../generators/typed-arrays.ts';

describe('groupByKey', () => {
  it('groups positions by key, in their order within a key', () => {
    const { order, start } = groupByKey([2, 0, 2, 1, 0], 4);
    expect([...start]).toEqual([0, 2, 3, 5, 5]);
    expect([...order]).toEqual([1, 4, 3, 0, 2]);
  });
});

describe('gatherRows: row j of the result is row order[j]', () => {
  const r = new Rng(11);
  const order = Array.from({ length: 300 }, () => r.int(0, 399));
  /** Element by element, in the column's own type. */
  const reference = (from: WholeColumn, width: number) =>
    order.flatMap((row) => [...from.subarray(row * width, (row + 1) * width)]);
  const cases: [string, WholeColumn, number][] = [
    // Float64 bit patterns survive as words, fractions and negative zero included.
    ['Float64 × 1', Float64Array.from({ length: 400 }, (_, i) => (i % 5 ? i / 7 - 20 : -0)), 1],
    ['Uint32 × 1', Uint32Array.from({ length: 400 }, () => r.int(0, 2 ** 32 - 1)), 1],
    ['Uint32 × 2', Uint32Array.from({ length: 800 }, () => r.int(0, 2 ** 32 - 1)), 2],
    [
      'Uint16 × 1 (element by element)',
      Uint16Array.from({ length: 400 }, () => r.int(0, 65535)),
      1,
    ],
    ['Uint16 × 2', Uint16Array.from({ length: 800 }, () => r.int(0, 65535)), 2],
    ['Uint8 × 12', Uint8Array.from({ length: 4800 }, () => r.int(0, 255)), 12],
    ['Uint8 × 3 (element by element)', Uint8Array.from({ length: 1200 }, () => r.int(0, 255)), 3],
    ['Int32 × 1', Int32Array.from({ length: 400 }, () => r.int(-(2 ** 31), 2 ** 31 - 1)), 1],
  ];
  it.each(cases)('%s, into a new array and into a scratch buffer', (_, from, width) => {
    const want = reference(from, width);
    const fresh = gatherRows(from, order, width);
    expect(fresh.constructor).toBe(from.constructor);
    expect([...fresh].map((x) => (Object.is(x, -0) ? 'neg0' : x))).toEqual(
      want.map((x) => (Object.is(x, -0) ? 'neg0' : x)),
    );
    const scratch = new ArrayBuffer(from.BYTES_PER_ELEMENT * width * order.length + 64);
    const viewed = gatherRows(from, order, width, scratch);
    expect(viewed.buffer).toBe(scratch);
    expect(viewed.length).toBe(order.length * width);
    expect([...viewed]).toEqual([...fresh]);
  });

  it('a column not on a 4-byte boundary is copied element by element, the same', () => {
    const base = Uint8Array.from({ length: 4801 }, () => r.int(0, 255));
    const from = base.subarray(1);
    expect([...gatherRows(from, order, 12)]).toEqual(reference(from, 12));
  });

  it('a scratch buffer too small is refused, not overrun', () => {
    const from = new Uint32Array(800);
    expect(() => gatherRows(from, order, 2, new ArrayBuffer(100))).toThrow(RangeError);
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

describe('longLived: arrays from one reserve while a large start builds', () => {
  it('hands out zeroed, 8-byte aligned views of the reserve, then arrays of their own', () => {
    reserveLongLived(64);
    try {
      const a = longLived(Uint8Array, 3);
      const b = longLived(Float64Array, 2);
      const c = grown(new Uint16Array([7, 8]), 4, true);
      expect(a.buffer).toBe(b.buffer);
      expect([a.byteOffset, b.byteOffset, c.byteOffset]).toEqual([0, 8, 24]);
      expect(c.buffer).toBe(a.buffer);
      expect([...c]).toEqual([7, 8, 0, 0]);
      expect([...a, ...b]).toEqual([0, 0, 0, 0, 0]);
      // 32 + 40 bytes is past the reserve: a buffer of its own.
      const d = longLived(Uint32Array, 10);
      expect(d.buffer).not.toBe(a.buffer);
      expect(d.byteLength).toBe(40);
      expect(endLongLivedReserve()).toEqual({ used: 32, reserved: 64 });
    } finally {
      endLongLivedReserve();
    }
    expect(longLived(Uint8Array, 4).buffer.byteLength).toBe(4);
    expect(endLongLivedReserve()).toEqual({ used: 0, reserved: 0 });
  });

  it('gives the same data and answers whether a reserve was there or not', async () => {
    const params = { seed: 5, asOf: Date.parse('2025-12-31T00:00:00Z'), scale: 0.2 };
    const plain = generateSeededData(params);
    reserveLongLived(64 * 1024 * 1024);
    let reserved: ReturnType<typeof generateSeededData>;
    try {
      reserved = generateSeededData(params);
      expect(endLongLivedReserve().used).toBeGreaterThan(0);
    } finally {
      endLongLivedReserve();
    }
    expect(reserved.churncut).toEqual(plain.churncut);
    expect(reserved.rebilly).toEqual(plain.rebilly);
    expect(reserved.churnkey.dsr.toArray()).toEqual(plain.churnkey.dsr.toArray());
    expect(reserved.churnkey.sessions.toArray()).toEqual(plain.churnkey.sessions.toArray());
  });
});
