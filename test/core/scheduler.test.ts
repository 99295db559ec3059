import { describe, expect, it } from 'vitest';
import { FakeScheduler, realScheduler } from '../../mock/core/time/scheduler.ts';

const START = Date.parse('2030-01-01T00:00:00.250Z');

/** A fake scheduler and a log of which timer ran at what `now()`. */
function recorded() {
  const clock = new FakeScheduler(START);
  const ran: [string, number][] = [];
  const at = (name: string, ms: number) =>
    clock.setTimeout(() => ran.push([name, clock.now() - START]), ms);
  return { clock, ran, at };
}

describe('FakeScheduler', () => {
  it('stands still until moved; a 0 delay waits for the clock too', () => {
    const { clock, ran, at } = recorded();
    expect(clock.now()).toBe(START);
    at('zero', 0);
    expect(ran).toEqual([]);
    expect(clock.pending()).toEqual([START]);
    expect(clock.advance(0)).toBe(1);
    expect(ran).toEqual([['zero', 0]]);
    expect(clock.now()).toBe(START);
    expect(new FakeScheduler().now()).toBe(0);
  });

  it('advance runs the timers due in time order, each at its due time, and stops at the end', () => {
    const { clock, ran, at } = recorded();
    at('c', 300);
    at('a', 100);
    at('b', 200);
    at('later', 1000);
    expect(clock.pending()).toEqual([START + 100, START + 200, START + 300, START + 1000]);
    expect(clock.advance(500)).toBe(3);
    expect(ran).toEqual([
      ['a', 100],
      ['b', 200],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(START + 500);
    expect(clock.pending()).toEqual([START + 1000]);
    // Exactly at the due time runs it; 1 ms short does not.
    expect(clock.advance(499)).toBe(0);
    expect(clock.advance(1)).toBe(1);
    expect(ran.at(-1)).toEqual(['later', 1000]);
  });

  it('timers due at the same time run in the order they were set', () => {
    const { clock, ran, at } = recorded();
    for (const name of ['x', 'y', 'z']) at(name, 50);
    at('w', 49);
    clock.advance(50);
    expect(ran.map(([name]) => name)).toEqual(['w', 'x', 'y', 'z']);
  });

  it('a timer set by a timer counts from the time it was set; advance runs it if due in the window', () => {
    const { clock, ran, at } = recorded();
    clock.setTimeout(() => {
      ran.push(['outer', clock.now() - START]);
      at('inner', 100);
    }, 100);
    expect(clock.advance(250)).toBe(2);
    expect(ran).toEqual([
      ['outer', 100],
      ['inner', 200],
    ]);
    expect(clock.now()).toBe(START + 250);
  });

  it('clearTimeout cancels a pending timer; clearing one that ran or was cleared is a no-op', () => {
    const { clock, ran, at } = recorded();
    const a = at('a', 10);
    const b = at('b', 20);
    clock.clearTimeout(b);
    expect(clock.pending()).toEqual([START + 10]);
    clock.advance(100);
    clock.clearTimeout(a);
    clock.clearTimeout(b);
    expect(ran).toEqual([['a', 10]]);
    expect(clock.pending()).toEqual([]);
  });

  it('runNext jumps to the earliest timer and returns its due time; null when none is left', () => {
    const { clock, ran, at } = recorded();
    at('b', 2000);
    at('a', 700);
    expect(clock.runNext()).toBe(START + 700);
    expect(clock.now()).toBe(START + 700);
    expect(ran).toEqual([['a', 700]]);
    expect(clock.runNext()).toBe(START + 2000);
    expect(clock.runNext()).toBeNull();
    expect(clock.now()).toBe(START + 2000);
  });

  it('runAll runs chains of timers to the end, and throws on one that never ends', () => {
    const { clock, ran } = recorded();
    let left = 4;
    const tick = () => {
      ran.push(['tick', clock.now() - START]);
      if (--left > 0) clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    expect(clock.runAll()).toBe(4);
    expect(ran.map(([, t]) => t)).toEqual([1000, 2000, 3000, 4000]);

    const forever = () => void clock.setTimeout(forever, 1);
    forever();
    expect(() => clock.runAll(50)).toThrow(/after 50/);
  });

  it('a negative or non-finite delay counts as 0; moving the clock backwards throws', () => {
    const { clock, ran, at } = recorded();
    at('negative', -500);
    at('nan', Number.NaN);
    expect(clock.pending()).toEqual([START, START]);
    clock.advance(0);
    expect(ran).toEqual([
      ['negative', 0],
      ['nan', 0],
    ]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });
});

describe('realScheduler', () => {
  it('tells wall time', () => {
    const before = Date.now();
    const now = realScheduler.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('runs a timer once, never holds the process open, and clearTimeout cancels one', async () => {
    let cancelledRan = false;
    const cancelled = realScheduler.setTimeout(() => {
      cancelledRan = true;
    }, 0);
    realScheduler.clearTimeout(cancelled);
    let handle: ReturnType<typeof realScheduler.setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      handle = realScheduler.setTimeout(resolve, 1);
      expect((handle as NodeJS.Timeout).hasRef()).toBe(false);
    });
    // The cancelled timer (due before the one that ran) never ran.
    expect(cancelledRan).toBe(false);
    expect((cancelled as NodeJS.Timeout).hasRef()).toBe(false);
  });
});
