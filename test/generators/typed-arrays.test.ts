import { describe, expect, it } from 'vitest';
import { groupByKey } from '../../generators/typed-arrays.ts';

describe('groupByKey', () => {
  it('groups positions by key, in their order within a key', () => {
    const { order, start } = groupByKey([2, 0, 2, 1, 0], 4);
    expect([...start]).toEqual([0, 2, 3, 5, 5]);
    expect([...order]).toEqual([1, 4, 3, 0, 2]);
  });
});
