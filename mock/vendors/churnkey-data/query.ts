import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { JS_DATE, parseTime } from '../../../generators/time.ts';
import {
  type Accessor,
  CASE_INSENSITIVE,
  DIMENSIONS,
  FILTER_FIELDS,
  type FieldValue,
} from './fields.ts';

/** A compiled session filter: the same one drives listing and aggregation. */
export interface SessionFilter {
  /** Inclusive lower bound on createdAt (ms), from `startDate`. */
  readonly start: number | null;
  /** Exclusive upper bound on createdAt (ms), from `endDate`. */
  readonly end: number | null;
  readonly includeBounced: boolean;
  /** Set when `customerId` is asked for, so the store can use its per-customer index. */
  readonly customerId: string | null;
  /** Set when `customerEmail` is asked for (not negated): the store's index by e-mail finds them. */
  readonly customerEmail: string | null;
  /** The equality filters as data (for the column scan)… */
  readonly equals: readonly {
    readonly name: string;
    readonly value: FieldValue;
    readonly negated: boolean;
  }[];
  /** …and as predicates over records (for short lists such as one customer's). */
  readonly predicates: readonly ((s: SessionRecord) => boolean)[];
}

const normalise = (name: string, v: unknown): FieldValue =>
  CASE_INSENSITIVE.has(name) && typeof v === 'string' ? v.toLowerCase() : (v as FieldValue);

/**
 * Compiles validated query parameters into a filter. `name=value` keeps sessions whose field
 * equals the value; `-name=value` (the SDK's negation) keeps those whose field does not.
 */
export function compileFilter(query: Readonly<Record<string, unknown>>): SessionFilter {
  const predicates: ((s: SessionRecord) => boolean)[] = [];
  const equals: SessionFilter['equals'][number][] = [];
  for (const [key, raw] of Object.entries(query)) {
    const negated = key.startsWith('-');
    const name = negated ? key.slice(1) : key;
    const field: Accessor | undefined = FILTER_FIELDS[name];
    if (!field || raw === undefined) continue;
    const value = normalise(name, raw);
    equals.push({ name, value, negated });
    predicates.push(negated ? (s) => field(s) !== value : (s) => field(s) === value);
  }
  // The contract (JsDate's pattern) refused what this parser refuses, before this runs.
  const date = (v: unknown): number | null => {
    const t = typeof v === 'string' ? parseTime(v, JS_DATE) : null;
    return typeof t === 'number' ? t : null;
  };
  return {
    start: date(query.startDate),
    end: date(query.endDate),
    includeBounced: query.bounced === true,
    customerId: typeof query.customerId === 'string' ? query.customerId : null,
    customerEmail: typeof query.customerEmail === 'string' ? query.customerEmail : null,
    equals,
    predicates,
  };
}

/** True when a session passes the filter. */
export function matches(f: SessionFilter, s: SessionRecord): boolean {
  if (!f.includeBounced && s.bounced) return false;
  if (f.start !== null && s.createdAt < f.start) return false;
  if (f.end !== null && s.createdAt >= f.end) return false;
  for (const p of f.predicates) if (!p(s)) return false;
  return true;
}

/** One page of matching sessions from a newest-first list. */
export function page(
  sessions: Iterable<SessionRecord>,
  f: SessionFilter,
  skip: number,
  limit: number,
): SessionRecord[] {
  const out: SessionRecord[] = [];
  let toSkip = skip;
  for (const s of sessions) {
    if (!matches(f, s)) continue;
    if (toSkip > 0) {
      toSkip--;
      continue;
    }
    out.push(s);
    if (out.length >= limit) break;
  }
  return out;
}

/** An aggregation row: `count` plus one key per breakdown dimension. */
export type AggregationRow = { count: number } & Record<string, FieldValue>;

/** Splits and checks a `breakdown` value; returns the problems found (unknown, repeated). */
export function parseBreakdown(breakdown: string | undefined): {
  dims: string[];
  problems: string[];
} {
  if (!breakdown) return { dims: [], problems: [] };
  const dims = breakdown.split('-');
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of dims) {
    if (!DIMENSIONS[d])
      problems.push(`unknown dimension "${d}"; allowed: ${Object.keys(DIMENSIONS).join(', ')}`);
    const canonical = d === 'response' ? 'surveyResponse' : d;
    if (seen.has(canonical)) problems.push(`dimension "${d}" is repeated`);
    seen.add(canonical);
  }
  return { dims, problems };
}

/** Row order: ascending, `null` last. */
export function compareValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** One group of an aggregation: its dimensions' values and how many sessions it has. */
export interface Group {
  readonly values: FieldValue[];
  count: number;
}

/** A group's identity: its values, typed (1 and "1" and true are different groups). */
export const groupKey = (values: readonly FieldValue[]): string =>
  values.map((v) => (v === null ? '\u0000' : typeof v + String(v))).join('\u0001');

/** Groups as aggregation rows, ordered by the dimensions ascending (`null` last). */
export function groupRows(groups: Group[], dims: readonly string[]): AggregationRow[] {
  groups.sort((x, y) => {
    for (let i = 0; i < dims.length; i++) {
      const c = compareValues(x.values[i] ?? null, y.values[i] ?? null);
      if (c) return c;
    }
    return 0;
  });
  return groups.map((g) => {
    const row: AggregationRow = { count: g.count };
    dims.forEach((d, i) => {
      row[d] = g.values[i] ?? null;
    });
    return row;
  });
}

/** Counts matching sessions grouped by the dimensions, ordered by the dimensions ascending. */
export function aggregate(
  sessions: Iterable<SessionRecord>,
  f: SessionFilter,
  dims: readonly string[],
): AggregationRow[] {
  const accessors = dims.map((d) => DIMENSIONS[d] as Accessor);
  if (accessors.length === 0) {
    let count = 0;
    for (const s of sessions) if (matches(f, s)) count++;
    return [{ count }];
  }
  const groups = new Map<string, Group>();
  for (const s of sessions) {
    if (!matches(f, s)) continue;
    const values = accessors.map((a) => a(s));
    const key = groupKey(values);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { values, count: 1 });
  }
  return groupRows([...groups.values()], dims);
}
