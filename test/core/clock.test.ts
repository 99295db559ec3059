import { describe, expect, it } from 'vitest';
import { MockClock } from '../../mock/core/time/clock.ts';

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
