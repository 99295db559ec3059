import type { CodedField } from '../../../generators/rebilly-reports.ts';
import { isCoded } from './fields.ts';
import { type Clause, matchTerms, type Scalar } from './filter.ts';
import { aggregateRange, groupedLengths, type ReportRow } from './report.ts';
import type { RebillyReportsStore } from './store.ts';

/** A validated report request. Times are epoch milliseconds, both ends inclusive. */
export interface ReportQuery {
  readonly from: number;
  readonly to: number;
  readonly field: CodedField;
  readonly clauses: readonly Clause[];
}

type Test = (i: number) => boolean;

/** Reads one filterable, non-coded field of subscription `i` (strings lower-cased). */
function reader(store: RebillyReportsStore, field: string): (i: number) => Scalar {
  const d = store.data;
  switch (field) {
    case 'id':
      return (i) => store.customer(i).subscription.id.toLowerCase();
    case 'customerId':
      return (i) => store.customer(i).id.toLowerCase();
    case 'currency':
      return (i) => store.customer(i).subscription.currency;
    case 'quantity':
      return (i) => store.customer(i).subscription.quantity;
    case 'startTime':
      return (i) => (d.startTime[i] as number) * 1000;
    default: // canceledTime, endTime
      return (i) => (d.canceledTime[i] as number) * 1000;
  }
}

function compileClause(store: RebillyReportsStore, clause: Clause): Test {
  const { field, terms } = clause;
  if (isCoded(field)) {
    // Decide once per distinct value, then test each subscription with one array read.
    const labels = store.data.labels[field];
    const codes = store.data.codes[field];
    const pass = labels.map((l) => matchTerms(terms, l === null ? null : l.toLowerCase()));
    return (i) => pass[codes[i] as number] === true;
  }
  const read = reader(store, field);
  return (i) => matchTerms(terms, read(i));
}

/** A predicate over subscription indices that is true when every clause holds; null for none. */
export function compileFilter(store: RebillyReportsStore, clauses: readonly Clause[]): Test | null {
  const tests = clauses.map((c) => compileClause(store, c));
  if (tests.length === 0) return null;
  return (i) => {
    for (const t of tests) if (!t(i)) return false;
    return true;
  };
}

/**
 * The report (Rebilly API reference, Retrieve a subscription cancellation report): subscriptions
 * canceled in [from, to] that pass the filter, grouped by the aggregation field, with count and
 * mean/median length from start to cancel in seconds.
 */
export function runReport(store: RebillyReportsStore, q: ReportQuery): ReportRow[] {
  const d = store.data;
  const [lo, hi] = store.range(q.from, q.to);
  const lengths = lengthsOf(d);
  const codes = d.codes[q.field];
  const labels = d.labels[q.field];
  const grouped = groupedLengths(d, codes, lengths, labels.length);
  return aggregateRange(grouped, codes, lengths, lo, hi, compileFilter(store, q.clauses), labels);
}

const LENGTHS = new WeakMap<object, Float64Array>();

/** Each subscription's length from start to cancel in seconds, computed once per data set. */
function lengthsOf(d: RebillyReportsStore['data']): Float64Array {
  let lengths = LENGTHS.get(d);
  if (!lengths) {
    lengths = Float64Array.from(
      { length: d.count },
      (_, i) => (d.canceledTime[i] as number) - (d.startTime[i] as number),
    );
    LENGTHS.set(d, lengths);
  }
  return lengths;
}
