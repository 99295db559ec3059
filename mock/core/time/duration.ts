/**
 * The mock's one ISO 8601 duration parser (`PT25H`, `P1D`, `P1M2DT3H`, `-P1W`): the whole
 * string must be a duration, or it is refused with a message saying why.
 *
 * Accepted: an optional leading `-` (the whole duration backwards), `P`, then years, months,
 * weeks, days (`Y M W D`, integers) and, after `T`, hours, minutes, seconds (`H M S`), each
 * in that order and at most once, at least one of them, and a `T` only with a time unit after
 * it. A unit's number may carry its own `-` (`P-1M`, as before). Only the smallest unit given
 * may have a decimal fraction (`.` or `,`), and only hours, minutes or seconds (years, months,
 * weeks and days are calendar units, not fixed lengths): it is honoured exactly, so it must come
 * to a whole number of milliseconds (`PT1.5S`, `PT0.25H`; not `PT0.0001S`).
 */

/** A duration that is not one, or one the clock cannot apply exactly. */
export class DurationError extends RangeError {
  override name = 'DurationError';
}

/** A parsed duration: signed calendar units, then an exact signed number of milliseconds. */
export interface ParsedDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  /** Hours, minutes and seconds together (exact; may exceed the safe-integer range). */
  readonly milliseconds: number;
}

const NUMBER = '(-?[0-9]+(?:[.,][0-9]+)?)';
const FORM = new RegExp(
  `^(-)?P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
/** Group of each unit in FORM (the `T` part is group 6). */
const GROUPS = [2, 3, 4, 5, 7, 8, 9] as const;
const UNIT_MS = { hours: 3_600_000n, minutes: 60_000n, seconds: 1000n } as const;

export const DURATION_EXAMPLES = 'such as PT25H, P1D, P1M2DT3H or -P1W';

/** Parses an ISO 8601 duration strictly; throws a DurationError naming what is wrong. */
export function parseDuration(text: string): ParsedDuration {
  const quoted = JSON.stringify(text);
  const m = typeof text === 'string' ? FORM.exec(text) : null;
  const values = m ? GROUPS.map((g) => m[g]) : [];
  const given = values.flatMap((v, i) => (v === undefined ? [] : [i]));
  const time = m?.[6];
  // `P` alone, or a `T` with no time unit after it (`P1DT`, `PT`).
  if (!m || given.length === 0 || (time !== undefined && time.length === 1))
    throw new DurationError(`${quoted} is not an ISO 8601 duration (${DURATION_EXAMPLES})`);
  const last = given[given.length - 1] as number;
  for (const i of given) {
    const value = values[i] as string;
    if (!/[.,]/.test(value)) continue;
    const unit = UNITS[i] as string;
    if (i < 4)
      throw new DurationError(
        `${quoted} has a fraction of ${unit}: only hours, minutes or seconds may have one (years, months, weeks and days are calendar units)`,
      );
    if (i !== last)
      throw new DurationError(
        `${quoted} has a fraction of ${unit}, which is not its smallest unit: only the smallest unit given may have one`,
      );
  }
  const sign = m[1] ? -1 : 1;
  const calendar = (i: number) => sign * Number(values[i] ?? 0) || 0;
  let ms = 0n;
  for (const unit of ['hours', 'minutes', 'seconds'] as const) {
    const value = values[UNITS.indexOf(unit)];
    if (value !== undefined) ms += exactMs(value, UNIT_MS[unit], quoted);
  }
  return {
    years: calendar(0),
    months: calendar(1),
    weeks: calendar(2),
    days: calendar(3),
    milliseconds: sign * Number(ms) || 0,
  };
}

/** `value` (`-1.5`, `0,25`) of a unit of `unitMs` ms, in ms; throws unless a whole number. */
function exactMs(value: string, unitMs: bigint, quoted: string): bigint {
  const [whole = '0', fraction = ''] = value.replace(',', '.').split('.');
  const negative = whole.startsWith('-');
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole.replace('-', '')) * scale + BigInt(fraction || '0')) * unitMs;
  if (scaled % scale !== 0n)
    throw new DurationError(`${quoted} is not a whole number of milliseconds`);
  const ms = scaled / scale;
  return negative ? -ms : ms;
}
