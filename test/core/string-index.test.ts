import { describe, expect, it } from 'vitest';
import { Rng } from '../../generators/random.ts';
import { StringIndex } from '../../mock/core/string-index.ts';

describe('StringIndex', () => {
  const r = new Rng(12);
  const keys = Array.from(
    { length: 5000 },
    (_, i) => `cus_${r.int(0, 1e9).toString(36)}_${i % 4000}`,
  );

  it('finds every key where a Map built in the same order does, and nothing else', () => {
    const map = new Map(keys.map((k, i) => [k, i]));
    const index = new StringIndex(keys.length, (i) => keys[i] as string);
    for (const k of keys) expect(index.get(k)).toBe(map.get(k));
    for (const k of ['', 'cus_', 'nope', `${keys[0]}x`]) expect(index.get(k)).toBe(-1);
  });

  it('a key given twice finds its last position', () => {
    const twice = ['a', 'b', 'a', 'c', 'b'];
    const index = new StringIndex(twice.length, (i) => twice[i] as string);
    expect(['a', 'b', 'c'].map((k) => index.get(k))).toEqual([2, 4, 3]);
  });

  it('folded: looks up lower-cased keys, non-ASCII letters included', () => {
    const emails = ['Jane@Example.com', 'ÉLODIE@example.fr', 'bob@example.com'];
    const index = new StringIndex(emails.length, (i) => emails[i] as string, true);
    expect(index.get('jane@example.com')).toBe(0);
    expect(index.get('élodie@example.fr')).toBe(1);
    expect(index.get('bob@example.com')).toBe(2);
    expect(index.get('Jane@Example.com')).toBe(-1);
  });
});
