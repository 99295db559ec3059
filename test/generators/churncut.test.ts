import { describe, expect, it } from 'vitest';
import { listOrder } from '../../generators/churncut.ts';
import { Rng } from '../../generators/random.ts';
import type { Customer } from '../../generators/world.ts';

/** The order ChurnCut lists customers in (created desc, then id asc), by a comparator. */
function reference(customers: readonly Customer[]): number[] {
  return customers
    .map((_, i) => i)
    .sort((a, b) => {
      const x = customers[a] as Customer;
      const y = customers[b] as Customer;
      return y.created - x.created || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    });
}

/** Customers with only what the order reads; `created` from `time`, ids drawn. */
function customers(n: number, time: (r: Rng, i: number) => number): Customer[] {
  const r = new Rng(5);
  return Array.from({ length: n }, (_, i) => {
    const created = time(r, i);
    return { index: i, id: `cus_${r.int(0, 999)}`, created } as unknown as Customer;
  });
}

describe('ChurnCut list order', () => {
  it('is created desc, then id asc, with many customers created in the same millisecond', () => {
    const list = customers(5000, (r) => Date.UTC(2024, 0, 1) + r.int(0, 300) * 1000);
    expect([...listOrder(list)]).toEqual(reference(list));
  });

  it('is created desc over decades of milliseconds (both halves of the key)', () => {
    const list = customers(3000, (r) => r.int(0, 2 ** 40));
    expect([...listOrder(list)]).toEqual(reference(list));
  });

  it('keeps the index order of equal times and ids (a stable sort)', () => {
    const list = customers(300, (r) => r.int(0, 3));
    for (const c of list) (c as { id: string }).id = `cus_${c.index % 4}`;
    expect([...listOrder(list)]).toEqual(reference(list));
  });

  it('orders times that are not whole milliseconds, or span more than the key holds', () => {
    const fractional = customers(2000, (r) => r.int(0, 5000) / 7);
    expect([...listOrder(fractional)]).toEqual(reference(fractional));
    const wide = customers(2000, (r, i) => (i % 2 ? -4 : 4) * r.int(0, 2 ** 52));
    expect([...listOrder(wide)]).toEqual(reference(wide));
  });

  it('orders one customer and none', () => {
    expect([...listOrder(customers(1, () => 7))]).toEqual([0]);
    expect([...listOrder([])]).toEqual([]);
  });
});
