import { utc } from '@date-fns/utc';
import { add, type Duration } from 'date-fns';
import { parse as parseDuration } from 'tinyduration';

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/** The mock's notion of "now": starts at the as-of date and moves only when told to. */
export class MockClock {
  #now: number;
  readonly #start: number;
  readonly #listeners = new Set<() => void>();

  constructor(start: number) {
    this.#now = start;
    this.#start = start;
  }

  now(): number {
    return this.#now;
  }

  /** Sets the clock to an absolute time. */
  set(t: number): void {
    this.#now = t;
    for (const l of this.#listeners) l();
  }

  /**
   * Moves the clock by an ISO 8601 duration such as `PT25H` or `P1M2D`; throws on a bad one.
   * Calendar units are UTC calendar arithmetic, months clamped to the month's end (Jan 31 +
   * P1M is Feb 28 or 29, as date-fns' `add` does); the time units are exact.
   */
  advance(duration: string): void {
    const d = parseDuration(duration);
    const sign = d.negative ? -1 : 1;
    const by: Duration = {};
    for (const unit of UNITS) by[unit] = sign * (d[unit] ?? 0);
    this.set(add(this.#now, by, { in: utc }).getTime());
  }

  /** Back to the start (the as-of date). */
  reset(): void {
    this.set(this.#start);
  }

  /** Called after every change. */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }
}
