import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import type { Column, SessionColumns } from './columns.ts';
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

/** Mixed-radix keys stay exact integers up to here (2^53). */
const EXACT_KEYS = 2 ** 53;

/** Sessions grouped by a numeric key: each group's count and its first session's index. */
class Groups {
  readonly counts: number[] = [];
  readonly firstRows: number[] = [];
  readonly #byKey = new Map<number, number>();

  add(key: number, row: number): void {
    const g = this.#byKey.get(key);
    if (g !== undefined) {
      this.counts[g] = (this.counts[g] as number) + 1;
      return;
    }
    this.#byKey.set(key, this.counts.length);
    this.counts.push(1);
    this.firstRows.push(row);
  }
}

/**
 * Groups by the mixed-radix number of the dimensions' codes, in one pass. Only for breakdowns
 * whose radix product is at most 2^53, so that every key is an exact integer: every breakdown
 * of up to 16 dimensions on the default data.
 */
function groupByKey(c: CompiledScan, columns: readonly Column[]): Groups {
  const groups = new Groups();
  for (let i = c.lo; i < c.hi; i++) {
    if (!passes(c, i)) continue;
    let key = 0;
    let radix = 1;
    for (const col of columns) {
      key += (col.codes[i] as number) * radix;
      radix *= col.dict.length;
    }
    groups.add(key, i);
  }
  return groups;
}

/** Replaces each key by a dense id (0, 1, …) in order of appearance; returns how many. */
function densify(keys: Float64Array): number {
  const ids = new Map<number, number>();
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j] as number;
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    keys[j] = id;
  }
  return ids.size;
}

/**
 * Groups when the radix product passes 2^53 (17 or more dimensions on the default data), where
 * one mixed-radix number would round and merge groups. The key is built a column at a time
 * over the matching sessions; before a column would push the radix past 2^53 the keys so far
 * are renumbered densely, so the radix restarts at the number of groups so far (at most the
 * number of sessions). Exact while sessions × the largest dictionary stay below 2^53.
 */
function groupByWideKey(c: CompiledScan, columns: readonly Column[]): Groups {
  const rows: number[] = [];
  for (let i = c.lo; i < c.hi; i++) if (passes(c, i)) rows.push(i);
  const keys = new Float64Array(rows.length);
  let radix = 1;
  for (const col of columns) {
    if (radix * col.dict.length > EXACT_KEYS) radix = densify(keys);
    for (let j = 0; j < rows.length; j++)
      keys[j] = (keys[j] as number) + (col.codes[rows[j] as number] as number) * radix;
    radix *= col.dict.length;
  }
  const groups = new Groups();
  for (let j = 0; j < rows.length; j++) groups.add(keys[j] as number, rows[j] as number);
  return groups;
}

/** Grouped counts over the columns (same result as `aggregate`), for any breakdown. */
export function scanAggregate(
  cols: SessionColumns,
  f: SessionFilter,
  now: number,
  dims: readonly string[],
): AggregationRow[] {
  const c = compile(cols, f, now);
  const columns = dims.map((d) => cols.column(d));
  let product = 1;
  for (const col of columns) product *= col.dict.length;
  let groups = new Groups();
  if (c) groups = product <= EXACT_KEYS ? groupByKey(c, columns) : groupByWideKey(c, columns);
  if (dims.length === 0) return [{ count: groups.counts[0] ?? 0 }];
  const rows = groups.firstRows.map((first, g) => ({
    values: columns.map((col) => col.dict[col.codes[first] as number] ?? null),
    count: groups.counts[g] as number,
  }));
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
