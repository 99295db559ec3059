import { describe, expect, it } from 'vitest';
import { markBounced } from '../../../mock/vendors/churnkey-data/bounce.ts';
import { type Outcome, record } from '../../helpers/records.ts';

const T0 = '2023-03-02T01:00:00.000Z';
const PLUS_2H = '2023-03-02T03:00:00.000Z';
const PLUS_23H = '2023-03-03T00:00:00.000Z';
const PLUS_24H = '2023-03-03T01:00:00.000Z';
const PLUS_25H = '2023-03-03T02:00:00.000Z';

// [case, first outcome, second time, second outcome, first bounced?, second bounced?]
const CASES: [string, Outcome, string, Outcome, boolean, boolean][] = [
  ["the docs' example: pause then cancel within 24 h", 'pause', PLUS_2H, 'cancel', true, false],
  ['pause then cancel exactly 24 h later still counts', 'pause', PLUS_24H, 'cancel', true, false],
  ['pause then cancel after 25 h: both stand', 'pause', PLUS_25H, 'cancel', false, false],
  ['abort then pause: the abort bounced', 'abort', PLUS_23H, 'pause', true, false],
  ['abort then abort: the retry supersedes', 'abort', PLUS_2H, 'abort', true, false],
  ['cancel then pause: the cancel is more relevant', 'cancel', PLUS_2H, 'pause', false, false],
  ['cancel then abort: nothing bounced', 'cancel', PLUS_2H, 'abort', false, false],
  ['cancel then cancel: the later one supersedes', 'cancel', PLUS_2H, 'cancel', true, false],
];

describe('markBounced', () => {
  it.each(CASES)(
    '%s',
    (_name, firstOutcome, secondAt, secondOutcome, firstBounced, secondBounced) => {
      const first = record('a1', T0, firstOutcome);
      const second = record('a2', secondAt, secondOutcome);
      markBounced([second, first]);
      expect(first.bounced).toBe(firstBounced);
      expect(second.bounced).toBe(secondBounced);
    },
  );

  it('only looks at the same list (callers group by customer)', () => {
    const alone = record('b1', T0, 'pause', 'cus_x');
    markBounced([alone]);
    expect(alone.bounced).toBe(false);
  });

  it('a chain bounces every earlier session', () => {
    const s = [
      record('c1', T0, 'abort'),
      record('c2', PLUS_2H, 'pause'),
      record('c3', PLUS_23H, 'cancel'),
    ];
    markBounced(s);
    expect(s.map((x) => x.bounced)).toEqual([true, true, false]);
  });
});
