/** Something that tells the time: epoch ms. */
export interface Clock {
  now(): number;
}

/** A pending timer, as `Scheduler.setTimeout` returns it; good only for `clearTimeout`. */
export type TimerHandle = object;

/**
 * Wall time and timers, injected so that code which waits (webhook retries, timeouts) can be
 * driven by a fake clock in tests. This is real time, not the mock's `MockClock` (the as-of
 * date of the seeded data, which moves only when told to).
 */
export interface Scheduler extends Clock {
  /** Runs `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not run yet (no-op otherwise). */
  clearTimeout(handle: TimerHandle): void;
}

/** `Date.now` and the global timers; a timer never keeps the process alive (`unref`). */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

interface FakeTimer {
  readonly handle: TimerHandle;
  readonly due: number;
  /** Creation order: timers due at the same time run in the order they were set. */
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A scheduler for tests: time stands still until `advance`, `runNext` or `runAll` moves it,
 * and then the timers due run in order of due time (ties in the order they were set), each
 * with `now()` at its own due time. A delay below 0 or not finite counts as 0; a 0 delay
 * still waits for the clock to be moved (`advance(0)` runs it), as a real timer waits for the
 * next turn of the event loop.
 */
export class FakeScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<TimerHandle, FakeTimer>();

  /** `start`: the initial `now()`, epoch ms. */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = Object.freeze({});
    const delay = Number.isFinite(ms) ? Math.max(ms, 0) : 0;
    this.#timers.set(handle, { handle, due: this.#now + delay, seq: this.#seq++, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /** Due times (epoch ms) of the timers not yet run or cleared, earliest first. */
  pending(): number[] {
    return [...this.#timers.values()].sort(byDue).map((t) => t.due);
  }

  /**
   * Moves the clock `ms` forward, running every timer due by then in order (timers those set
   * included, when due in the window); `now()` ends at start + `ms`. Returns how many ran.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`advance: ${ms} is not a duration`);
    const end = this.#now + ms;
    let ran = 0;
    for (let next = this.#earliest(); next && next.due <= end; next = this.#earliest()) {
      this.#run(next);
      ran++;
    }
    this.#now = end;
    return ran;
  }

  /** Runs the earliest timer, moving the clock to its due time; its due time, or null if none. */
  runNext(): number | null {
    const next = this.#earliest();
    if (!next) return null;
    this.#run(next);
    return next.due;
  }

  /**
   * Runs timers (those they set included) until none is left; throws after `limit` of them,
   * so that a timer which always sets another cannot loop forever. Returns how many ran.
   */
  runAll(limit = 10_000): number {
    let ran = 0;
    for (; this.#timers.size > 0; ran++) {
      if (ran >= limit) throw new Error(`runAll: timers still pending after ${limit} ran`);
      this.runNext();
    }
    return ran;
  }

  #earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers.values()) if (!best || byDue(t, best) < 0) best = t;
    return best;
  }

  #run(timer: FakeTimer): void {
    this.#timers.delete(timer.handle);
    if (timer.due > this.#now) this.#now = timer.due;
    timer.fn();
  }
}

function byDue(a: FakeTimer, b: FakeTimer): number {
  return a.due - b.due || a.seq - b.seq;
}
