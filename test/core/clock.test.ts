import { describe, expect, it } from 'vitest';
import { CLOCK_RANGE, ClockError, MockClock } from '../../mock/core/time/clock.ts';
import { DurationError, parseDuration } from '../../mock/core/time/duration.ts';

const advanced = (from: string, duration: string) => {
  const clock = new MockClock(Date.parse(from));
  clock.advance(duration);
  return new Date(clock.now()).toISOString();
};

describe('MockClock.advance', () => {
  it.each([
    ['2025-12-31T00:00:00Z', 'PT25H', '2026-01-01T01:00:00.000Z'],
    ['2026-01-01T01:00:00Z', '-P1M', '2025-12-01T01:00:00.000Z'],
    ['2025-12-31T00:00:00Z', 'P400D', '2027-02-04T00:00:00.000Z'],
    ['2025-01-15T10:00:00Z', 'P1Y2M3W4DT5H6M7S', '2026-04-09T15:06:07.000Z'],
    ['2025-01-15T10:00:00Z', 'PT1.5S', '2025-01-15T10:00:01.500Z'],
    // Calendar months end on the month's last day rather than overflowing into the next.
    ['2025-01-31T12:00:00Z', 'P1M', '2025-02-28T12:00:00.000Z'],
    ['2024-01-31T12:00:00Z', 'P1M', '2024-02-29T12:00:00.000Z'],
    ['2024-02-29T00:00:00Z', 'P1Y', '2025-02-28T00:00:00.000Z'],
    ['2025-03-31T00:00:00Z', '-P1M', '2025-02-28T00:00:00.000Z'],
    ['2025-03-31T00:00:00Z', 'P-1M', '2025-02-28T00:00:00.000Z'],
  ])('%s + %s = %s', (from, duration, want) => {
    expect(advanced(from, duration)).toBe(want);
  });

  it('is plain field arithmetic in UTC wherever no month is clamped (days 1 to 28)', () => {
    const wrong: string[] = [];
    for (const day of [1, 15, 28])
      for (let month = 0; month < 12; month++)
        for (const [y, m, w, d, h] of [
          [0, 1, 0, 0, 0],
          [1, 0, 0, 0, 0],
          [0, 13, 0, 0, 0],
          [0, 0, 1, 3, 0],
          [0, 0, 0, 0, 49],
          [2, 5, 0, 40, 7],
        ] as const)
          for (const sign of [1, -1]) {
            const start = Date.UTC(2023, month, day, 6, 30);
            const want = Date.UTC(
              2023 + sign * y,
              month + sign * m,
              day + sign * (7 * w + d),
              6 + sign * h,
              30,
            );
            const duration = `${sign < 0 ? '-' : ''}P${y}Y${m}M${w}W${d}DT${h}H`;
            const clock = new MockClock(start);
            clock.advance(duration);
            if (clock.now() !== want) wrong.push(`${new Date(start).toISOString()} ${duration}`);
          }
    expect(wrong).toEqual([]);
  });
});

/** A clock at `from` that counts its change notifications. */
function watched(from = '2025-12-31T00:00:00Z') {
  const clock = new MockClock(Date.parse(from));
  const seen = { changes: 0 };
  clock.onChange(() => seen.changes++);
  return { clock, seen };
}

describe('MockClock refuses what it cannot hold, and changes nothing', () => {
  it.each([
    'P300000Y',
    '-P300000Y',
    'PT99999999999999999999H',
    'P9007199254740993D',
    'P7975Y',
    '-P2026Y',
  ])('advance(%s) throws a ClockError; the clock and its listeners are untouched', (d) => {
    const { clock, seen } = watched();
    expect(() => clock.advance(d)).toThrow(ClockError);
    expect(() => clock.advance(d)).toThrow(
      `Moving the clock by "${d}" from 2025-12-31T00:00:00.000Z leaves the times it can hold (0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, the years an RFC 3339 date-time can write); the clock did not move`,
    );
    expect(clock.now()).toBe(Date.parse('2025-12-31T00:00:00Z'));
    expect(seen.changes).toBe(0);
    clock.advance('P1D');
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it.each([
    [Number.NaN, 'Not a time: NaN; the clock did not move'],
    [Number.POSITIVE_INFINITY, 'Not a time: Infinity; the clock did not move'],
    [CLOCK_RANGE.max + 1, /^\+010000-01-01T00:00:00.000Z is outside the times the clock can hold/],
    [CLOCK_RANGE.min - 1, /^-000001-12-31T23:59:59.999Z is outside the times the clock can hold/],
    [8.64e15 + 1, /^8640000000000001 ms from 1970 is outside the times the clock can hold/],
  ])('set(%s) throws a ClockError; the clock and its listeners are untouched', (t, message) => {
    const { clock, seen } = watched();
    expect(() => clock.set(t)).toThrow(ClockError);
    expect(() => clock.set(t)).toThrow(message);
    expect(clock.now()).toBe(Date.parse('2025-12-31T00:00:00Z'));
    expect(seen.changes).toBe(0);
  });

  it('holds the first and the last millisecond of the years 0000 to 9999', () => {
    const { clock } = watched();
    clock.set(CLOCK_RANGE.max);
    expect(new Date(clock.now()).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(() => clock.advance('PT0.001S')).toThrow(ClockError);
    clock.set(CLOCK_RANGE.min);
    expect(new Date(clock.now()).toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(() => clock.advance('-PT0.001S')).toThrow(ClockError);
  });
});

describe('the ISO 8601 duration parser (the only one: MockClock.advance uses it)', () => {
  it.each([
    'XP1D',
    'P1DX',
    'P1D1D',
    'tomorrow P1D',
    'tomorrow',
    '',
    ' P1D',
    'P1D ',
    'P1D\n',
    'p1d',
    'P',
    'PT',
    'P1DT',
    'PT1D',
    'P1H',
    'P1M1Y',
    'P1S',
    '--P1D',
    '+P1D',
    'P1e3D',
    'P.5D',
    'PT1.S',
  ])('%j is not a duration', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationError);
    expect(() => parseDuration(text)).toThrow(
      `${JSON.stringify(text)} is not an ISO 8601 duration (such as PT25H, P1D, P1M2DT3H or -P1W)`,
    );
    const { clock, seen } = watched();
    expect(() => clock.advance(text)).toThrow(DurationError);
    expect(seen.changes).toBe(0);
  });

  it.each([
    ['P1.5Y', 'years'],
    ['P1,5M', 'months'],
    ['P0.5W', 'weeks'],
    ['P1.5DT1H', 'days'],
  ])('%s: a fraction of a calendar unit is refused', (text, unit) => {
    expect(() => parseDuration(text)).toThrow(
      `"${text}" has a fraction of ${unit}: only hours, minutes or seconds may have one (years, months, weeks and days are calendar units)`,
    );
  });

  it('a fraction only on the smallest unit given, and only to whole milliseconds', () => {
    expect(() => parseDuration('PT1.5H30M')).toThrow(
      '"PT1.5H30M" has a fraction of hours, which is not its smallest unit: only the smallest unit given may have one',
    );
    expect(() => parseDuration('PT0.5M1S')).toThrow(/fraction of minutes, which is not/);
    expect(() => parseDuration('PT0.0001S')).toThrow(
      '"PT0.0001S" is not a whole number of milliseconds',
    );
    expect(() => parseDuration('PT0.0000001H')).toThrow(/not a whole number of milliseconds/);
  });

  it.each([
    ['PT1.5S', { milliseconds: 1500 }],
    ['PT0,25H', { milliseconds: 900_000 }],
    ['PT0.001S', { milliseconds: 1 }],
    ['PT0.0000125H', { milliseconds: 45 }],
    ['-PT1.5M', { milliseconds: -90_000 }],
    ['P1Y2M3W4DT5H6M7.5S', { years: 1, months: 2, weeks: 3, days: 4, milliseconds: 18_367_500 }],
    ['-P1Y2D', { years: -1, days: -2 }],
    ['P-1M', { months: -1 }],
    ['PT36H', { milliseconds: 129_600_000 }],
  ])('%s is exactly %j', (text, want) => {
    expect(parseDuration(text)).toEqual({
      years: 0,
      months: 0,
      weeks: 0,
      days: 0,
      milliseconds: 0,
      ...want,
    });
  });
});
