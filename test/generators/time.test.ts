import { describe, expect, it } from 'vitest';
import { Rng } from '../../generators/random.ts';
import {
  AS_OF,
  addInterval,
  addMonthsByDate,
  billingPeriod,
  DATE_OR_RFC3339,
  DAY,
  iso,
  JS_DATE,
  parseTime,
  RFC3339,
  type TimeSyntax,
} from '../../generators/time.ts';

const JAN_1 = Date.parse('2023-01-01T00:00:00Z');
const YEAR_50 = Date.parse('0050-01-01T00:00:00Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');
const SYNTAXES: Record<string, TimeSyntax> = { RFC3339, DATE_OR_RFC3339, JS_DATE, AS_OF };

/** [text, what each syntax reads: RFC3339, DATE_OR_RFC3339, JS_DATE, AS_OF] */
const TABLE: [string, ...(number | 'syntax' | 'calendar')[]][] = [
  ['2023-01-01T00:00:00Z', JAN_1, JAN_1, JAN_1, JAN_1],
  ['2023-01-01T00:00:00.000Z', JAN_1, JAN_1, JAN_1, JAN_1],
  ['2023-01-01T00:00:00.5Z', JAN_1 + 500, JAN_1 + 500, JAN_1 + 500, JAN_1 + 500],
  ['2023-01-01T00:00:00.123456Z', JAN_1 + 123, JAN_1 + 123, JAN_1 + 123, JAN_1 + 123],
  ['2023-01-01T01:30:00+01:30', JAN_1, JAN_1, JAN_1, JAN_1],
  ['2023-01-01T01:30:00+0130', JAN_1, JAN_1, JAN_1, JAN_1],
  ['2022-12-31T19:00:00-05:00', JAN_1, JAN_1, JAN_1, JAN_1],
  ['2023-01-01t00:00:00z', JAN_1, JAN_1, JAN_1, 'syntax'],
  ['2023-01-01 00:00:00Z', JAN_1, JAN_1, JAN_1, 'syntax'],
  ['2023-01-01', 'syntax', JAN_1, JAN_1, JAN_1],
  ['2023-01', 'syntax', 'syntax', JAN_1, 'syntax'],
  ['2023', 'syntax', 'syntax', JAN_1, 'syntax'],
  ['2023-01-01T00:00Z', 'syntax', 'syntax', JAN_1, JAN_1],
  ['2023-01-01T00:00', 'syntax', 'syntax', JAN_1, 'syntax'],
  ['2023-01-01T00:00:00', 'syntax', 'syntax', JAN_1, 'syntax'],
  ['2024-02-29', 'syntax', Date.UTC(2024, 1, 29), Date.UTC(2024, 1, 29), Date.UTC(2024, 1, 29)],
  // Years 0-99 are not 1900-1999 (Date.UTC's reading).
  ['0050-01-01T00:00:00Z', YEAR_50, YEAR_50, YEAR_50, YEAR_50],
  ['9999-12-31T23:59:59.999Z', LAST, LAST, LAST, LAST],
  // The leap second: JSON Schema's date-time format allows it; no Date holds it.
  ['2016-12-31T23:59:60Z', 'calendar', 'calendar', 'calendar', 'calendar'],
  ['2025-02-30', 'syntax', 'calendar', 'calendar', 'calendar'],
  ['2025-02-29T00:00:00Z', 'calendar', 'calendar', 'calendar', 'calendar'],
  ['2100-02-29', 'syntax', 'calendar', 'calendar', 'calendar'],
  ['2025-13-01', 'syntax', 'calendar', 'calendar', 'calendar'],
  ['2025-00-10', 'syntax', 'calendar', 'calendar', 'calendar'],
  ['2025-01-00', 'syntax', 'calendar', 'calendar', 'calendar'],
  ['2025-13', 'syntax', 'syntax', 'calendar', 'syntax'],
  ['2025-01-01T24:00:00Z', 'calendar', 'calendar', 'calendar', 'calendar'],
  ['2025-01-01T00:60:00Z', 'calendar', 'calendar', 'calendar', 'calendar'],
  ['2025-01-01T00:00:00+24:00', 'calendar', 'calendar', 'calendar', 'calendar'],
  ['2025-01-01T00:00:00+02', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['2025-01-01T00:00:00 02:00', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['300000-01-01', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['+300000-01-01T00:00:00Z', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['May 1, 2023', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['1', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['yesterday', 'syntax', 'syntax', 'syntax', 'syntax'],
  ['', 'syntax', 'syntax', 'syntax', 'syntax'],
];

describe('parseTime: the one parser of every date parameter', () => {
  it.each(TABLE)('%s', (text, ...expected) => {
    const read = Object.values(SYNTAXES).map((syntax) => parseTime(text, syntax));
    expect(read).toEqual(expected);
  });

  it('reads YYYY-MM-DD and YYYY-MM-DDTHH:MM:SSZ at any year, or refuses the calendar', () => {
    const r = new Rng(29);
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    for (let k = 0; k < 20_000; k++) {
      const [y, mo, d] = [r.int(0, 9999), r.int(0, 13), r.int(0, 32)];
      const [h, mi, s] = [r.int(0, 24), r.int(0, 60), r.int(0, 60)];
      const date = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
      const time = `${date}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`;
      for (const text of [date, time]) {
        // The reference: Date's setters (no 1900 for years below 100), which roll 02-30 over
        // into March and 24:00 into the next day: a time is real when nothing rolled.
        const [hh, mm, ss] = text === date ? [0, 0, 0] : [h, mi, s];
        const ref = new Date(0);
        ref.setUTCFullYear(y, mo - 1, d);
        ref.setUTCHours(hh, mm, ss, 0);
        const fields = [ref.getUTCFullYear(), ref.getUTCMonth() + 1, ref.getUTCDate()];
        const clock = [ref.getUTCHours(), ref.getUTCMinutes(), ref.getUTCSeconds()];
        const real = [...fields, ...clock].join() === [y, mo, d, hh, mm, ss].join();
        const expected = real ? ref.getTime() : 'calendar';
        for (const [name, syntax] of Object.entries(SYNTAXES))
          expect(parseTime(text, syntax), `${text} ${name}`).toBe(
            text === date && syntax.dates === 'none' ? 'syntax' : expected,
          );
      }
    }
  });

  it('agrees with Date.parse on every valid form it takes (UTC machines aside)', () => {
    for (const [text, ...expected] of TABLE)
      for (const t of expected)
        if (typeof t === 'number' && /[Zz]|[+-]\d\d:?\d\d$|^\d{4}(-\d\d){0,2}$/.test(text))
          expect(Date.parse(text.replace(' ', 'T'))).toBe(t);
  });
});

describe('iso: Date#toISOString, faster', () => {
  it.each([
    0,
    1,
    86_399_999,
    JAN_1,
    JAN_1 + 123,
    YEAR_50,
    LAST,
    LAST + 1,
    -1,
    -86_400_001,
    JAN_1 + 0.5,
  ])('%d', (t) => {
    expect(iso(t)).toBe(new Date(t).toISOString());
  });

  it('agrees every 997,013 ms through 2022-2026, and throws for NaN as Date does', () => {
    for (let t = Date.UTC(2022, 0, 1) + 7; t < Date.UTC(2027, 0, 1); t += 997_013)
      expect(iso(t)).toBe(new Date(t).toISOString());
    expect(() => iso(Number.NaN)).toThrow(RangeError);
  });
});

/** A month later by Date's calendar methods, clamped to the month's last day (the reference). */
const byDate = addMonthsByDate;

describe('addInterval: calendar months and years, clamped, as Date computes them', () => {
  const r = new Rng(3);

  it('agrees with Date on 20,000 times from year -2000 to 9999, counts -40 to 40', () => {
    const wrong: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const t = r.int(Date.UTC(-2000, 0, 1), LAST);
      const count = r.int(-40, 40);
      for (const [interval, months] of [
        ['MONTH', count],
        ['YEAR', count * 12],
      ] as const) {
        const got = addInterval(t, interval, count);
        if (got !== byDate(t, months))
          wrong.push(`${new Date(t).toISOString()} ${interval} ${count}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['2024-01-31T10:00:00.000Z', 'MONTH', 1, '2024-02-29T10:00:00.000Z'],
    ['2023-01-31T00:00:00.000Z', 'MONTH', 1, '2023-02-28T00:00:00.000Z'],
    ['2024-02-29T23:59:59.999Z', 'YEAR', 1, '2025-02-28T23:59:59.999Z'],
    ['2024-03-31T12:00:00.000Z', 'MONTH', -1, '2024-02-29T12:00:00.000Z'],
    ['2023-12-15T00:00:00.000Z', 'MONTH', 1, '2024-01-15T00:00:00.000Z'],
    ['1969-12-31T23:00:00.000Z', 'MONTH', 2, '1970-02-28T23:00:00.000Z'],
    ['2000-02-29T00:00:00.000Z', 'YEAR', 100, '2100-02-28T00:00:00.000Z'],
  ] as const)('%s + %s × %d = %s', (from, interval, count, to) => {
    expect(new Date(addInterval(Date.parse(from), interval, count)).toISOString()).toBe(to);
  });

  it('agrees with Date on times that are not whole milliseconds, at the ends of time, NaN', () => {
    for (const t of [JAN_1 + 0.5, -0.5, -DAY - 0.25, LAST, Date.UTC(-271821, 3, 20), Number.NaN])
      for (const count of [0, 1, -1, 13])
        expect(addInterval(t, 'MONTH', count), `${t} ${count}`).toBe(byDate(t, count));
    expect(addInterval(8.64e15, 'MONTH', 1)).toBeNaN();
    expect(addInterval(-8.64e15, 'MONTH', -1)).toBeNaN();
  });

  it('moves weeks by 7 days whatever the calendar', () => {
    expect(addInterval(JAN_1, 'WEEK', 3)).toBe(JAN_1 + 21 * DAY);
  });
});

/** billingPeriod's steps with Date's calendar methods (the reference). */
function periodByDate(start: number, months: number, at: number): [number, number] {
  const a = new Date(start);
  const b = new Date(at);
  const apart = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
  const periods = Math.floor(apart / months);
  let from = byDate(start, Math.max(0, periods) * months);
  if (from > at && periods > 0) from = byDate(start, (periods - 1) * months);
  let to = byDate(from, months);
  while (to <= at) {
    from = to;
    to = byDate(from, months);
  }
  return [from, to];
}

describe('billingPeriod', () => {
  it('is the period containing the time, as Date computes it, for 5,000 subscriptions', () => {
    const r = new Rng(8);
    for (let k = 0; k < 5000; k++) {
      const start = r.int(Date.UTC(2020, 0, 1), Date.UTC(2026, 0, 1));
      const at = start + r.int(0, 5 * 365 * DAY);
      const [interval, count] = r.pick([
        ['MONTH', 1],
        ['MONTH', 3],
        ['YEAR', 1],
      ] as const);
      const period = billingPeriod(start, interval, count, at);
      expect(period, `${start} ${at}`).toEqual(
        periodByDate(start, interval === 'MONTH' ? count : 12 * count, at),
      );
      expect(period[0] <= at && at < period[1]).toBe(true);
    }
  });
});
