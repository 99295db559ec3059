/** Time helpers shared by the generators and the mock; all UTC, all in epoch milliseconds. */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Start of the seeded data (vendor examples start in 2023; we start a year earlier). */
export const DATA_START = Date.UTC(2022, 0, 1);
export const DEFAULT_AS_OF = '2025-12-31T00:00:00.000Z';

export type Interval = 'WEEK' | 'MONTH' | 'YEAR';

/** `t` moved by `count` billing intervals (calendar months/years, clamped like Stripe). */
export function addInterval(t: number, interval: Interval, count: number): number {
  if (interval === 'WEEK') return t + count * 7 * DAY;
  const d = new Date(t);
  const months = interval === 'MONTH' ? count : count * 12;
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.getTime();
}

/** The billing period [start, end) of a subscription started at `start` that contains `at`. */
export function billingPeriod(
  start: number,
  interval: Interval,
  count: number,
  at: number,
): [number, number] {
  let periods = 0;
  if (interval === 'WEEK') periods = Math.floor((at - start) / (7 * DAY * count));
  else {
    const a = new Date(start);
    const b = new Date(at);
    const months =
      (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
    periods = Math.floor(months / (interval === 'MONTH' ? count : 12 * count));
  }
  let from = addInterval(start, interval, Math.max(0, periods) * count);
  if (from > at && periods > 0) from = addInterval(start, interval, (periods - 1) * count);
  let to = addInterval(from, interval, count);
  while (to <= at) {
    from = to;
    to = addInterval(from, interval, count);
  }
  return [from, to];
}

/** Parses an as-of date; throws on anything `new Date` cannot read. */
export function parseAsOf(value: string): number {
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) throw new Error(`invalid as-of date: ${value}`);
  return t;
}

/** ISO string of an epoch-ms time. */
export const iso = (t: number): string => new Date(t).toISOString();
