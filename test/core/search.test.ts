import { describe, expect, it } from 'vitest';
import {
  lowerBound,
  lowerBoundDescending,
  partitionPoint,
  upperBound,
  upperBoundDescending,
} from '../../mock/core/search.ts';

/** The first index in [lo, hi) where `holds` is false: the linear definition. */
const linear = (lo: number, hi: number, holds: (i: number) => boolean): number => {
  let i = lo;
  while (i < hi && holds(i)) i++;
  return i;
};

// Deterministic: a small LCG, sorted arrays with runs of equal values (and -0 next to 0).
let seed = 7;
const next = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed;
};
const arrays = Array.from({ length: 60 }, (_, n) => {
  const values = Array.from({ length: n % 17 }, () => (next() % 9) - 4).sort((a, b) => a - b);
  if (values.includes(0)) values[values.indexOf(0)] = -0;
  return values;
});

describe('lowerBound, upperBound and their descending forms agree with a linear scan', () => {
  it('on 60 sorted arrays, for every sub-range and value', () => {
    const wrong: string[] = [];
    const check = (what: string, got: number, want: number) => {
      if (got !== want) wrong.push(`${what}: ${got}, not ${want}`);
    };
    for (const a of arrays) {
      const asc = Float64Array.from(a);
      const desc = Float64Array.from(a).reverse();
      const at = (x: Float64Array, i: number) => x[i] as number;
      for (let lo = 0; lo <= a.length; lo++)
        for (let hi = lo; hi <= a.length; hi++)
          for (let v = -5; v <= 5; v += 0.5) {
            const where = `[${a.join(' ')}] [${lo}, ${hi}) ${v}`;
            const below = linear(lo, hi, (i) => at(asc, i) < v);
            check(`lowerBound ${where}`, lowerBound(asc, v, lo, hi), below);
            check(
              `partitionPoint ${where}`,
              partitionPoint(lo, hi, (i) => at(asc, i) < v),
              below,
            );
            check(
              `upperBound ${where}`,
              upperBound(a, v, lo, hi),
              linear(lo, hi, (i) => at(asc, i) <= v),
            );
            check(
              `lowerBoundDescending ${where}`,
              lowerBoundDescending(desc, v, lo, hi),
              linear(lo, hi, (i) => at(desc, i) > v),
            );
            check(
              `upperBoundDescending ${where}`,
              upperBoundDescending(desc, v, lo, hi),
              linear(lo, hi, (i) => at(desc, i) >= v),
            );
          }
    }
    expect(wrong).toEqual([]);
  });

  it('searches the whole array by default, typed or plain', () => {
    const u32 = Uint32Array.of(1, 3, 3, 3, 9);
    expect([0, 1, 3, 4, 10].map((v) => lowerBound(u32, v))).toEqual([0, 0, 1, 4, 5]);
    expect([0, 1, 3, 4, 10].map((v) => upperBound([1, 3, 3, 3, 9], v))).toEqual([0, 1, 4, 4, 5]);
    expect(lowerBoundDescending(Float64Array.of(9, 3, 3, 1), 3)).toBe(1);
    expect(upperBoundDescending(Float64Array.of(9, 3, 3, 1), 3)).toBe(3);
    expect(lowerBound([], 1)).toBe(0);
  });
});
