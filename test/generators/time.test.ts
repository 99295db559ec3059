import { describe, expect, it } from 'vitest';
import {
  AS_OF,
  DATE_OR_RFC3339,
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
