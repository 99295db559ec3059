import { parse as parseDuration } from 'tinyduration';

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

  /** Moves the clock by an ISO 8601 duration such as `PT25H` or `P1M2D`; throws on a bad one. */
  advance(duration: string): void {
    const d = parseDuration(duration);
    const at = new Date(this.#now);
    const sign = d.negative ? -1 : 1;
    at.setUTCFullYear(at.getUTCFullYear() + sign * (d.years ?? 0));
    at.setUTCMonth(at.getUTCMonth() + sign * (d.months ?? 0));
    at.setUTCDate(at.getUTCDate() + sign * ((d.weeks ?? 0) * 7 + (d.days ?? 0)));
    const ms = ((d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0)) * 1000;
    this.set(at.getTime() + sign * ms);
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
