import { utc } from '@date-fns/utc';
import { add } from 'date-fns/add';
import type { PersistentPart, WriteSink } from '../persist/part.ts';
import { parseDuration } from './duration.ts';

/**
 * The times the clock can hold (epoch ms, both included): the years 0000 to 9999, those an
 * RFC 3339 date-time can write, so that every "now" the mock answers is one its contracts
 * allow and one `POST /__admin/clock {"now"}` could set. A JavaScript Date reaches further
 * (±100,000,000 days from 1970), but it prints those years as `+275760-…`, no date-time.
 */
export const CLOCK_RANGE = {
  min: Date.parse('0000-01-01T00:00:00.000Z'),
  max: Date.parse('9999-12-31T23:59:59.999Z'),
} as const;

const RANGE = `${new Date(CLOCK_RANGE.min).toISOString()} to ${new Date(CLOCK_RANGE.max).toISOString()}, the years an RFC 3339 date-time can write`;
const inRange = (t: number) => t >= CLOCK_RANGE.min && t <= CLOCK_RANGE.max;

/** A clock move the clock refuses (not a time, or outside CLOCK_RANGE). */
export class ClockError extends RangeError {
  override name = 'ClockError';
}

/** The mock's notion of "now": starts at the as-of date and moves only when told to. */
export class MockClock implements PersistentPart {
  #now: number;
  #sink: WriteSink | null = null;
  readonly #start: number;
  readonly #listeners = new Set<() => void>();

  constructor(start: number) {
    const problem = refusal(start);
    if (problem) throw new ClockError(`The clock cannot start there: ${problem}`);
    this.#now = start;
    this.#start = start;
  }

  now(): number {
    return this.#now;
  }

  /** Where the clock starts and where a reset puts it back (the as-of date). */
  start(): number {
    return this.#start;
  }

  /**
   * Sets the clock to an absolute time (epoch ms); throws a ClockError, changing nothing,
   * when `t` is not a finite number or is outside CLOCK_RANGE (years 0000 to 9999).
   */
  set(t: number): void {
    const problem = refusal(t);
    if (problem) throw new ClockError(`${problem}; the clock did not move`);
    this.#now = t;
    this.#sink?.('set', { t });
    for (const l of this.#listeners) l();
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a `set` (every move is one). */
  apply(kind: string, data: unknown): void {
    if (kind !== 'set') throw new Error(`journal: unknown clock write ${kind}`);
    this.set((data as { t: number }).t);
  }

  exportState(): unknown {
    return { now: this.#now };
  }

  importState(state: unknown): void {
    this.set((state as { now: number }).now);
  }

  /**
   * Moves the clock by an ISO 8601 duration such as `PT25H` or `P1M2D` (duration.ts says
   * exactly which). Throws, changing nothing: a DurationError for a string that is not one, a
   * ClockError when the move would leave CLOCK_RANGE (years 0000 to 9999). Calendar units are UTC
   * calendar arithmetic, months clamped to the month's end (Jan 31 + P1M is Feb 28 or 29, as
   * date-fns' `add` does); the time units are exact.
   */
  advance(duration: string): void {
    const d = parseDuration(duration);
    const { years, months, weeks, days, milliseconds } = d;
    const calendar = [years, months, weeks, days];
    const t = calendar.every(Number.isSafeInteger)
      ? add(this.#now, { years, months, weeks, days }, { in: utc }).getTime() + milliseconds
      : Number.NaN;
    if (!inRange(t))
      throw new ClockError(
        `Moving the clock by ${JSON.stringify(duration)} from ${new Date(this.#now).toISOString()} leaves the times it can hold (${RANGE}); the clock did not move`,
      );
    this.set(t);
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

/** Why the clock cannot hold `t`, or null when it can. */
function refusal(t: number): string | null {
  if (typeof t !== 'number' || !Number.isFinite(t)) return `Not a time: ${String(t)}`;
  if (inRange(t)) return null;
  const at = Number.isFinite(new Date(t).getTime())
    ? new Date(t).toISOString()
    : `${t} ms from 1970`;
  return `${at} is outside the times the clock can hold (${RANGE})`;
}
