import { flatAscii } from '../../../generators/random.ts';
import { DAY, iso } from '../../../generators/time.ts';
import { RawJson, slabText } from '../../core/pipeline/raw-json.ts';
import type { HandlerInput, HandlerResult } from '../../core/pipeline/types.ts';
import { invalidRequestMessage } from '../../core/pipeline/validate.ts';
import type { MockClock } from '../../core/time/clock.ts';
import type { Problem } from '../../core/validation.ts';
import type { ChurnTally } from './analytics.ts';
import {
  bucketStarts,
  churnReport,
  dayOf,
  type Granularity,
  MAX_BUCKETS,
  percent,
  retentionReport,
  utcDay,
} from './analytics.ts';
import { attemptsBetween, churnTally, runningAt } from './analytics-data.ts';
import { ccError, MESSAGES } from './errors.ts';
import type { ChurnCutStore } from './store.ts';

const DAY_TEXT = new Map<number, string>();

/** A UTC day's date (`2025-01-31`), kept: a daily report names thousands of days. */
function day(t: number): string {
  let text = DAY_TEXT.get(t);
  if (text === undefined) {
    text = iso(t).slice(0, 10);
    if (DAY_TEXT.size < 100_000) DAY_TEXT.set(t, text);
  }
  return text;
}

/** A number as JSON writes it (`null` for NaN and the infinities). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** One bucket of the churn report: its tally, and its JSON before and after its rate. */
interface ChurnBucket {
  readonly count: number;
  readonly mrr: number;
  /** `{"date":"2024-01-01","churned":3,"churn_rate":` */
  readonly head: string;
  /** `,"mrr_lost":14700}` */
  readonly tail: string;
  /** The whole row when the count is 0 (its rate is 0 whatever the customers): most rows. */
  readonly zero: string | null;
}

/** Buckets kept, at most (~150 bytes each); past it they are counted again. */
const MAX_CHURN_BUCKETS = 50_000;

/**
 * The churn report's buckets by (start, end), kept while the store is unchanged: a bucket's
 * count, MRR and text depend only on its bounds and the data, not on the period around it (a
 * daily bucket is the same day in every range; weeks from a start repeat every seventh start),
 * so a dashboard that moves its range recounts and rewrites only the buckets it has not shown
 * yet. The rate is not kept: it divides by the customers running at the period's start.
 */
class ChurnBuckets {
  #version = -1;
  readonly #kept = new Map<number, ChurnBucket>();

  /** A tally for churnReport that keeps each bucket, and the buckets it was asked, in order. */
  tally(store: ChurnCutStore, count: ChurnTally): { tally: ChurnTally; used: ChurnBucket[] } {
    if (store.version !== this.#version || this.#kept.size > MAX_CHURN_BUCKETS) {
      this.#kept.clear();
      this.#version = store.version;
    }
    const used: ChurnBucket[] = [];
    const tally: ChurnTally = (from, to) => {
      // Bucket bounds are UTC midnights: days since the epoch, and the width in days. From 1970
      // to 2687 the key is made with integer operations (a small integer, the Map's fastest
      // key); the same number either way.
      const width = (to - from) / DAY;
      const days = from / DAY;
      const key =
        width >= 8192
          ? Number.NaN
          : days >= 0 && days < 262_144
            ? (days << 13) | width
            : days * 8192 + width;
      const keep = Number.isSafeInteger(key);
      let b = keep ? this.#kept.get(key) : undefined;
      if (b === undefined) {
        const t = count(from, to);
        const head = flatAscii(`{"date":"${day(from)}","churned":${t.count},"churn_rate":`);
        const tail = flatAscii(`,"mrr_lost":${num(t.mrr)}}`);
        const zero = t.count === 0 ? flatAscii(`${head}${num(percent(0, 1))}${tail}`) : null;
        b = { count: t.count, mrr: t.mrr, head, tail, zero };
        if (keep) this.#kept.set(key, b);
      }
      used.push(b);
      return b;
    };
    return { tally, used };
  }
}

interface Period {
  readonly start: number;
  readonly end: number;
  readonly endExclusive: number;
}

/** One of the period's dates as a UTC day; undefined when not given, a problem when unusable. */
function dateParam(query: HandlerInput['query'], name: string): number | undefined | Problem {
  const value = query[name];
  if (typeof value !== 'string') return undefined;
  const d = dayOf(value);
  return typeof d === 'number' ? d : { in: 'query', name, message: MESSAGES.badDate[d] };
}

/**
 * [start, end + 1 day) from the query, defaulting to the 30 days ending on the clock's date;
 * or every date the contract's formats let through that is no date (a leap second, an offset
 * without minutes), each a problem.
 */
function period(query: HandlerInput['query'], now: number): Period | { problems: Problem[] } {
  const endDay = dateParam(query, 'end_date');
  const startDay = dateParam(query, 'start_date');
  const problems = [startDay, endDay].filter((d): d is Problem => typeof d === 'object');
  if (problems.length) return { problems };
  const end = (endDay as number | undefined) ?? utcDay(now);
  const start = (startDay as number | undefined) ?? end - 29 * DAY;
  return { start, end, endExclusive: end + DAY };
}

/** `GET /v1/analytics/churn` and `/retention` handlers. */
export function analyticsHandlers(store: ChurnCutStore, clock: MockClock) {
  const churnBuckets = new ChurnBuckets();
  const range = (query: HandlerInput['query']) => {
    const p = period(query, clock.now());
    if ('problems' in p) {
      const message = invalidRequestMessage(p.problems);
      return { error: ccError(400, 'invalid_request', message, p.problems) };
    }
    if (p.start > p.end) return { error: ccError(400, 'invalid_request', MESSAGES.badRange) };
    return { p };
  };

  const getChurnAnalytics = ({ query }: HandlerInput): HandlerResult => {
    const r = range(query);
    if (!r.p) return r.error as HandlerResult;
    const { start, end, endExclusive } = r.p;
    const starts = bucketStarts(start, endExclusive, query.granularity as Granularity);
    if (starts.length > MAX_BUCKETS)
      return ccError(400, 'invalid_request', MESSAGES.tooManyBuckets(starts.length));
    const total = runningAt(store, start);
    const buckets = churnBuckets.tally(store, churnTally(store));
    const report = churnReport(starts, endExclusive, total, buckets.tally);
    // `{success, data: {period, summary, by_period}}`, its rows written as JSON text directly
    // (a daily report over years has thousands; JSON.stringify of their objects cost more than
    // counting them): each bucket's text around its rate is kept (churnBuckets).
    const head = JSON.stringify({ start: day(start), end: day(end) });
    // A row's rate depends only on its count: each count's text made once.
    const rates: string[] = [];
    const rows = buckets.used.map((b) => {
      if (b.zero !== null) return b.zero;
      let rate = rates[b.count];
      if (rate === undefined) {
        rate = num(percent(b.count, total));
        rates[b.count] = rate;
      }
      return b.head + rate + b.tail;
    });
    const text = `{"success":true,"data":{"period":${head},"summary":${JSON.stringify(report.summary)},"by_period":[${rows.join(',')}]}}`;
    // Dates and numbers only: ASCII, so its Latin-1 bytes are its UTF-8 bytes.
    return { status: 200, body: new RawJson([slabText(text, 'latin1')]) };
  };

  const getRetentionAnalytics = ({ query }: HandlerInput): HandlerResult => {
    const r = range(query);
    if (!r.p) return r.error as HandlerResult;
    const { start, end, endExclusive } = r.p;
    const report = retentionReport(attemptsBetween(store, start, endExclusive));
    return {
      status: 200,
      body: { success: true, data: { period: { start: day(start), end: day(end) }, ...report } },
    };
  };

  return { getChurnAnalytics, getRetentionAnalytics };
}
