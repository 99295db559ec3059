import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import type { SessionColumns } from './columns.ts';
import type { FieldValue } from './fields.ts';
import { type AggregationRow, compareValues, type SessionFilter } from './query.ts';

interface Check {
  readonly codes: Uint32Array;
  readonly code: number;
  readonly negated: boolean;
}

interface CompiledScan {
  readonly lo: number;
  readonly hi: number;
  readonly checks: readonly Check[];
  readonly bounced: Uint8Array | null;
}

/** Turns a filter into index bounds and code comparisons; null when nothing can match. */
function compile(cols: SessionColumns, f: SessionFilter, now: number): CompiledScan | null {
  let lo = cols.firstAtOrBefore(now, true);
  if (f.end !== null) lo = Math.max(lo, cols.firstAtOrBefore(f.end, false));
  const hi = f.start === null ? cols.sessions.length : cols.firstAtOrBefore(f.start, false);
  const checks: Check[] = [];
  for (const e of f.equals) {
    const col = cols.column(e.name);
    const code = col.lookup.get(e.value);
    if (code === undefined) {
      if (e.negated) continue; // "not X" where nobody is X keeps everyone.
      return null;
    }
    checks.push({ codes: col.codes, code, negated: e.negated });
  }
  return { lo, hi, checks, bounced: f.includeBounced ? null : cols.bounced };
}

function passes(c: CompiledScan, i: number): boolean {
  if (c.bounced !== null && c.bounced[i] === 1) return false;
  for (const k of c.checks) if ((k.codes[i] === k.code) === k.negated) return false;
  return true;
}

/** One page of matching sessions, scanning the columns (same result as `page`). */
export function scanPage(
  cols: SessionColumns,
  f: SessionFilter,
  now: number,
  skip: number,
  limit: number,
): SessionRecord[] {
  const c = compile(cols, f, now);
  const out: SessionRecord[] = [];
  if (!c) return out;
  let toSkip = skip;
  for (let i = c.lo; i < c.hi && out.length < limit; i++) {
    if (!passes(c, i)) continue;
    if (toSkip > 0) toSkip--;
    else out.push(cols.sessions[i] as SessionRecord);
  }
  return out;
}

/** Grouped counts over the columns (same result as `aggregate`), keyed by mixed-radix codes. */
export function scanAggregate(
  cols: SessionColumns,
  f: SessionFilter,
  now: number,
  dims: readonly string[],
): AggregationRow[] {
  const c = compile(cols, f, now);
  const columns = dims.map((d) => cols.column(d));
  const counts = new Map<number, number>();
  if (c) {
    for (let i = c.lo; i < c.hi; i++) {
      if (!passes(c, i)) continue;
      let key = 0;
      let radix = 1;
      for (const col of columns) {
        key += (col.codes[i] as number) * radix;
        radix *= col.dict.length;
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  if (dims.length === 0) return [{ count: counts.get(0) ?? 0 }];
  const rows = [...counts].map(([key, count]) => {
    const values: FieldValue[] = [];
    let rest = key;
    for (const col of columns) {
      values.push(col.dict[rest % col.dict.length] ?? null);
      rest = Math.floor(rest / col.dict.length);
    }
    return { values, count };
  });
  rows.sort((x, y) => {
    for (let i = 0; i < dims.length; i++) {
      const d = compareValues(x.values[i] ?? null, y.values[i] ?? null);
      if (d) return d;
    }
    return 0;
  });
  return rows.map(({ values, count }) => {
    const row: AggregationRow = { count };
    dims.forEach((d, i) => {
      row[d] = values[i] ?? null;
    });
    return row;
  });
}
