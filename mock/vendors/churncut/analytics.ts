import { utc } from '@date-fns/utc';
import { addMonths } from 'date-fns/addMonths';
import { startOfMonth } from 'date-fns/startOfMonth';
import { OFFER_TYPES, type OfferType } from '../../../generators/churncut-offers.ts';
import { DATE_OR_RFC3339, DAY, parseTime, type TimeRefusal } from '../../../generators/time.ts';

export type Granularity = 'day' | 'week' | 'month';

/** At most this many `by_period` buckets (ten years of days). */
export const MAX_BUCKETS = 3660;

/**
 * Percent with one decimal, as the ChurnCut API docs write every rate (Churn metrics: 5.0, 1.2;
 * Retention metrics: 65.0, 53.3); 0 when the denominator is 0.
 */
export const percent = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;

/** UTC midnight of the day of an epoch-ms time. */
export const utcDay = (t: number): number => t - (((t % DAY) + DAY) % DAY);

/** The UTC days a period may name: those a `YYYY-MM-DD` date can write. */
const DAYS = {
  first: Date.parse('0000-01-01T00:00:00Z'),
  last: Date.parse('9999-12-31T00:00:00Z'),
};

/**
 * UTC midnight of a `YYYY-MM-DD` date or an RFC 3339 date-time (truncated to its UTC day), or
 * why it is not one: `range` for a time whose UTC day has a year a date cannot write
 * (`9999-12-31T23:00:00-05:00` is in the year 10000).
 */
export function dayOf(value: string): number | TimeRefusal | 'range' {
  const t = parseTime(value, DATE_OR_RFC3339);
  if (typeof t !== 'number') return t;
  const day = utcDay(t);
  return day < DAYS.first || day > DAYS.last ? 'range' : day;
}

/** Bucket start times covering [start, endExclusive): days, 7-day weeks from start, or months. */
export function bucketStarts(start: number, endExclusive: number, g: Granularity): number[] {
  const out: number[] = [];
  for (let t = start; t < endExclusive && out.length <= MAX_BUCKETS; ) {
    out.push(t);
    if (g === 'day') t += DAY;
    else if (g === 'week') t += 7 * DAY;
    else t = addMonths(startOfMonth(t, { in: utc }), 1).getTime();
  }
  return out;
}

/** One cancellation for the churn report. */
export interface Churn {
  readonly t: number;
  readonly mrr: number;
}

/** The cancellations in [from, to): how many, and their MRR (whole cents). */
export type ChurnTally = (
  from: number,
  to: number,
) => { readonly count: number; readonly mrr: number };

/**
 * The churn report from its inputs: each bucket [starts[j], starts[j + 1]) (the last one up to
 * `endExclusive`) tallied by `tally`, the summary their sum. A pure function, tested against
 * a count of every cancellation into its bucket.
 */
export function churnReport(
  starts: readonly number[],
  endExclusive: number,
  totalCustomers: number,
  tally: ChurnTally,
) {
  let churned = 0;
  let mrr = 0;
  // Each bucket's tally as it came (no object of its own: a daily report has thousands).
  const rows = starts.map((from, j) => {
    const t = tally(from, starts[j + 1] ?? endExclusive);
    churned += t.count;
    mrr += t.mrr;
    return t;
  });
  return {
    summary: {
      total_customers: totalCustomers,
      churned,
      churn_rate: percent(churned, totalCustomers),
      mrr_lost: mrr,
    },
    rows,
  };
}

/** One cancellation flow for the retention report. */
export interface Attempt {
  /** The offer it accepted, or null. */
  readonly accepted: OfferType | null;
  /** The first offer it showed. */
  readonly first: OfferType;
  readonly mrr: number;
}

/** The retention report: each flow counts under its accepted offer, else its first one. */
export function retentionReport(attempts: Iterable<Attempt>) {
  const by = new Map(OFFER_TYPES.map((t) => [t, { attempts: 0, retained: 0 }]));
  let total = 0;
  let retained = 0;
  let saved = 0;
  for (const a of attempts) {
    const row = by.get(a.accepted ?? a.first);
    if (!row) continue;
    row.attempts++;
    total++;
    if (a.accepted) {
      row.retained++;
      retained++;
      saved += a.mrr;
    }
  }
  return {
    summary: {
      cancellation_attempts: total,
      retained,
      retention_rate: percent(retained, total),
      mrr_saved: saved,
    },
    by_offer_type: OFFER_TYPES.map((type) => {
      const row = by.get(type) ?? { attempts: 0, retained: 0 };
      return { type, ...row, rate: percent(row.retained, row.attempts) };
    }),
  };
}
