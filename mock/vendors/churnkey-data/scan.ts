import { LRUCache } from 'lru-cache';
import { compareSessions, type SessionRecord } from '../../../generators/churnkey-data.ts';
import { RawJson } from '../../core/pipeline/raw-json.ts';
import { BOUNCED, type Column, type SessionView, SHOWN } from './columns.ts';
import type { FieldValue } from './fields.ts';
import {
  type AggregationRow,
  aggregate,
  compareValues,
  type Group,
  groupKey,
  groupRows,
  matches,
  type SessionFilter,
} from './query.ts';

interface Check {
  readonly codes: Uint32Array | Uint8Array;
  readonly code: number;
  readonly negated: boolean;
}

interface CompiledScan {
  readonly lo: number;
  readonly hi: number;
  readonly checks: readonly Check[];
  readonly state: Uint8Array;
  /** The highest row state that passes: SHOWN, or BOUNCED when bounced sessions are asked for. */
  readonly maxState: number;
}

/** Turns a filter into bounds and code comparisons over the seeded rows; null when none match. */
function compile(view: SessionView, f: SessionFilter, now: number): CompiledScan | null {
  const cols = view.base;
  let lo = cols.firstAtOrBefore(now, true);
  if (f.end !== null) lo = Math.max(lo, cols.firstAtOrBefore(f.end, false));
  const hi = f.start === null ? cols.length : cols.firstAtOrBefore(f.start, false);
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
  return { lo, hi, checks, state: view.state, maxState: f.includeBounced ? BOUNCED : SHOWN };
}

function passes(c: CompiledScan, i: number): boolean {
  if ((c.state[i] as number) > c.maxState) return false;
  for (const k of c.checks) if ((k.codes[i] === k.code) === k.negated) return false;
  return true;
}

/** The recorded sessions that pass the filter by `now`, newest first. */
function addedMatching(view: SessionView, f: SessionFilter, now: number): SessionRecord[] {
  return [...addedNewestFirst(view, f, now)];
}

/**
 * addedMatching one at a time, for a page that needs only its first few: thousands of
 * recorded sessions cost a page what it reads of them, not a pass over all.
 */
function* addedNewestFirst(
  view: SessionView,
  f: SessionFilter,
  now: number,
): Generator<SessionRecord, void, undefined> {
  const added = view.added; // oldest first
  for (let i = added.length - 1; i >= 0; i--) {
    const s = added[i] as SessionRecord;
    if (s.createdAt <= now && matches(f, s)) yield s;
  }
}

/**
 * One page of matching sessions (same result as `page` over every session newest first): the
 * seeded rows scanned as columns, the recorded sessions merged in by `compareSessions`.
 */
export function scanPage(
  view: SessionView,
  f: SessionFilter,
  now: number,
  skip: number,
  limit: number,
): SessionRecord[] {
  const c = compile(view, f, now);
  const extras = addedNewestFirst(view, f, now);
  let extra = extras.next(); // the next recorded session to merge, if any
  const out: SessionRecord[] = [];
  let toSkip = skip;
  const take = (s: SessionRecord): void => {
    if (toSkip > 0) toSkip--;
    else out.push(s);
  };
  if (c)
    for (let i = c.lo; i < c.hi && out.length < limit; i++) {
      if (!passes(c, i)) continue;
      // Skipped with nothing recorded left to merge: no record needed.
      if (toSkip > 0 && extra.done) {
        toSkip--;
        continue;
      }
      const s = view.record(i);
      // A recorded session goes before a seeded one only when it sorts strictly before it.
      while (!extra.done && out.length < limit && compareSessions(extra.value, s) < 0) {
        take(extra.value);
        extra = extras.next();
      }
      if (out.length < limit) take(s);
    }
  while (!extra.done && out.length < limit) {
    take(extra.value);
    extra = extras.next();
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

/** Up to this many possible groups, counts go to a typed array indexed by the key. */
const DENSE_GROUPS = 1 << 16;

/**
 * Groups of a breakdown with at most DENSE_GROUPS possible keys: one pass counting into a
 * typed array indexed by the mixed-radix key (no Map, no per-row call), groups in order of
 * their first row as `groupByKey` has them.
 */
function groupDense(c: CompiledScan, columns: readonly Column[], product: number): Groups {
  const counts = new Uint32Array(product);
  const first = new Int32Array(product).fill(-1);
  const order: number[] = [];
  const codes = columns.map((col) => col.codes);
  const radices = columns.map((_, k) => {
    let r = 1;
    for (let j = 0; j < k; j++) r *= (columns[j] as Column).dict.length;
    return r;
  });
  const { state, maxState, checks } = c;
  for (let i = c.lo; i < c.hi; i++) {
    if ((state[i] as number) > maxState) continue;
    if (checks.length && !passes(c, i)) continue;
    let key = 0;
    for (let k = 0; k < codes.length; k++)
      key += ((codes[k] as Uint32Array)[i] as number) * (radices[k] as number);
    if (counts[key] === 0) {
      first[key] = i;
      order.push(key);
    }
    counts[key] = (counts[key] as number) + 1;
  }
  const groups = new Groups();
  for (const key of order) {
    groups.counts.push(counts[key] as number);
    groups.firstRows.push(first[key] as number);
  }
  return groups;
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

/** The `bounced` dimension over the seeded rows is their state (ERASED rows never pass). */
function bouncedColumn(view: SessionView): Column {
  return {
    codes: view.state,
    dict: [false, true],
    lookup: new Map([
      [false, 0],
      [true, 1],
    ]),
  };
}

/**
 * A column's values in row order (ascending, `null` last): each code's rank, the values by
 * rank, and each value's JSON.
 */
interface Ranked {
  readonly rank: Uint32Array;
  readonly values: readonly FieldValue[];
  readonly json: readonly string[];
  /** Every value's JSON is ASCII (its Latin-1 bytes are its UTF-8 bytes). */
  readonly ascii: boolean;
}

/** True when the text has no character past U+007F. */
const isAscii = (text: string): boolean => !/[\u0080-\uffff]/.test(text);

/** Columns never change once built (writes go beside them), so their ranks are kept. */
const RANKED = new WeakMap<Column, Ranked | null>();

/** A column's Ranked, or null when its values are of several types (no one order for them). */
function rankedOf(col: Column): Ranked | null {
  let r = RANKED.get(col);
  if (r === undefined) {
    const types = new Set(col.dict.filter((v) => v !== null).map((v) => typeof v));
    if (types.size > 1) r = null;
    else {
      const byRank = col.dict
        .map((_, code) => code)
        .sort((a, b) => compareValues(col.dict[a] ?? null, col.dict[b] ?? null));
      const rank = new Uint32Array(col.dict.length);
      byRank.forEach((code, k) => {
        rank[code] = k;
      });
      const values = byRank.map((code) => col.dict[code] ?? null);
      const json = values.map((v) => JSON.stringify(v));
      r = { rank, values, json, ascii: json.every(isAscii) };
    }
    RANKED.set(col, r);
  }
  return r;
}

/** A dense breakdown's counts by rank key (see countSorted). */
interface SortedCounts {
  readonly counts: Uint32Array;
  readonly sizes: readonly number[];
  readonly radices: readonly number[];
  readonly ranks: readonly Ranked[];
}

/** A row's key: the sum of its dimensions' weights (rank × radix) for its codes. */
function keyOf(
  codes: readonly (Uint32Array | Uint8Array)[],
  weights: readonly Uint32Array[],
  i: number,
): number {
  let key = 0;
  for (let k = 0; k < codes.length; k++)
    key += (weights[k] as Uint32Array)[(codes[k] as Uint32Array)[i] as number] as number;
  return key;
}

/** Adds the passing rows `from ≤ i < to` to `counts` by key. */
function countRows(
  c: CompiledScan,
  codes: readonly (Uint32Array | Uint8Array)[],
  weights: readonly Uint32Array[],
  from: number,
  to: number,
  counts: Uint32Array,
): void {
  const { state, maxState, checks } = c;
  const one = codes.length === 1;
  const [c0, c1] = codes as [Uint32Array, Uint32Array | undefined];
  const [w0, w1] = weights as [Uint32Array, Uint32Array | undefined];
  for (let i = from; i < to; i++) {
    if ((state[i] as number) > maxState) continue;
    if (checks.length && !passes(c, i)) continue;
    let key: number;
    if (one) key = w0[c0[i] as number] as number;
    else if (codes.length === 2)
      key =
        (w0[c0[i] as number] as number) +
        ((w1 as Uint32Array)[(c1 as Uint32Array)[i] as number] as number);
    else key = keyOf(codes, weights, i);
    counts[key] = (counts[key] as number) + 1;
  }
}

/**
 * Prefix counts of one unfiltered breakdown over the seeded rows as seeded: row b of `counts`
 * holds each key's count over rows [0, b × block) whose seeded state passes. A date range's
 * counts are then two rows' difference, its two partial blocks counted, and the few rows writes
 * changed since (view.touched) corrected one by one.
 */
interface PrefixCounts {
  readonly block: number;
  readonly counts: Uint32Array;
}

/** A prefix table holds at most this many counts (blocks × possible keys). */
const PREFIX_ENTRIES = 1 << 20;
/** Prefix tables kept per store, the least recently used dropped first. */
const PREFIX_TABLES = 16;

/** How many prefix tables have been built, in every store: tests check they are used. */
let prefixBuilds = 0;
export const prefixTableBuilds = (): number => prefixBuilds;

/** Per store (its seeded states), each breakdown's prefix table once asked for twice. */
const PREFIXES = new WeakMap<Uint8Array, LRUCache<string, PrefixCounts | 'seen'>>();

/** Rows per block: at least 64, and enough that a table stays within PREFIX_ENTRIES counts. */
const blockFor = (rows: number, product: number): number =>
  Math.max(64, Math.ceil((rows * product) / PREFIX_ENTRIES));

/**
 * The prefix table of an unfiltered breakdown, when it is cheaper than counting the range
 * (its keys plus two partial blocks fewer than the range's rows); built on the second request
 * for it, so a breakdown asked for once costs one pass, as before.
 */
function prefixFor(
  view: SessionView,
  name: string,
  codes: readonly (Uint32Array | Uint8Array)[],
  weights: readonly Uint32Array[],
  product: number,
  maxState: number,
  rangeRows: number,
): PrefixCounts | null {
  const rows = view.base.length;
  const block = blockFor(rows, product);
  if (product + 2 * block >= rangeRows) return null;
  let tables = PREFIXES.get(view.seededState);
  if (!tables) {
    tables = new LRUCache({ max: PREFIX_TABLES });
    PREFIXES.set(view.seededState, tables);
  }
  const key = `${name}|${maxState}`;
  const known = tables.get(key);
  if (known === undefined) {
    tables.set(key, 'seen');
    return null;
  }
  if (known !== 'seen') return known;
  const seeded = view.seededState;
  const blocks = Math.floor(rows / block);
  const counts = new Uint32Array((blocks + 1) * product);
  for (let b = 1; b <= blocks; b++) {
    const row = b * product;
    counts.copyWithin(row, row - product, row);
    for (let i = (b - 1) * block; i < b * block; i++) {
      if ((seeded[i] as number) > maxState) continue;
      const at = row + keyOf(codes, weights, i);
      counts[at] = (counts[at] as number) + 1;
    }
  }
  const table = { block, counts };
  tables.set(key, table);
  prefixBuilds++;
  return table;
}

/**
 * A dense breakdown counted by rank instead of code: the key is the mixed-radix number of each
 * dimension's rank, the first dimension most significant, so walking the counts in key order
 * gives the rows already in the order `groupRows` sorts them into (no sort, no Group objects).
 * An unfiltered breakdown asked for again reads its prefix table (prefixFor).
 */
function countSorted(
  view: SessionView,
  c: CompiledScan,
  dims: readonly string[],
  columns: readonly Column[],
  ranks: readonly Ranked[],
  product: number,
): SortedCounts {
  const sizes = columns.map((col) => col.dict.length);
  const radices = sizes.map((_, k) => sizes.slice(k + 1).reduce((a, b) => a * b, 1));
  // Each dimension's code → its rank times its radix: a row's key is their sum.
  const weights = columns.map((col, k) => {
    const w = new Uint32Array(col.dict.length);
    const { rank } = ranks[k] as Ranked;
    for (let code = 0; code < w.length; code++)
      w[code] = (rank[code] as number) * (radices[k] as number);
    return w;
  });
  const codes = columns.map((col) => col.codes);
  const counts = new Uint32Array(product);
  const result = { counts, sizes, radices, ranks };
  const touched = view.touched;
  if (c.checks.length === 0 && touched.size < (c.hi - c.lo) / 4) {
    // The `bounced` dimension as seeded, for the table (touched rows are corrected below).
    const seededCodes = dims.map((d, k) =>
      d === 'bounced' ? view.seededState : (codes[k] as Uint32Array),
    );
    const prefix = prefixFor(
      view,
      dims.join('+'),
      seededCodes,
      weights,
      product,
      c.maxState,
      c.hi - c.lo,
    );
    const first = prefix ? Math.ceil(c.lo / prefix.block) : 0;
    const last = prefix ? Math.floor(c.hi / prefix.block) : 0;
    if (prefix && first < last) {
      const a = first * product;
      const b = last * product;
      const table = prefix.counts;
      for (let key = 0; key < product; key++)
        counts[key] = (table[b + key] as number) - (table[a + key] as number);
      countRows(c, codes, weights, c.lo, first * prefix.block, counts);
      countRows(c, codes, weights, last * prefix.block, c.hi, counts);
      // Rows whose state a write changed, inside the blocks the table counted as seeded.
      const from = first * prefix.block;
      const to = last * prefix.block;
      const { state, seededState } = view;
      for (const i of touched) {
        if (i < from || i >= to) continue;
        if ((seededState[i] as number) <= c.maxState) {
          const key = keyOf(seededCodes, weights, i);
          counts[key] = (counts[key] as number) - 1;
        }
        if ((state[i] as number) <= c.maxState) {
          const key = keyOf(codes, weights, i);
          counts[key] = (counts[key] as number) + 1;
        }
      }
      return result;
    }
  }
  countRows(c, codes, weights, c.lo, c.hi, counts);
  return result;
}

/** Sorted counts as aggregation rows. */
function sortedRows(sc: SortedCounts, dims: readonly string[]): AggregationRow[] {
  const rows: AggregationRow[] = [];
  for (let key = 0; key < sc.counts.length; key++) {
    const count = sc.counts[key] as number;
    if (count === 0) continue;
    const row: AggregationRow = { count };
    for (let k = 0; k < dims.length; k++) {
      const r = Math.floor(key / (sc.radices[k] as number)) % (sc.sizes[k] as number);
      row[dims[k] as string] = (sc.ranks[k] as Ranked).values[r] ?? null;
    }
    rows.push(row);
  }
  return rows;
}

/** The most row keys whose texts are kept (a month-by-offer breakdown has a few hundred). */
const SUFFIX_KEYS = 4096;
/** Row texts after the count, by dimensions (breakdowns are few), with the ranks they were made for. */
const SUFFIXES = new Map<string, { readonly ranks: readonly Ranked[]; readonly text: string[] }>();

/**
 * Each row key's text after its count (`,"month":"2024-01","saveType":"PAUSE"}`), made once
 * for the dimensions' ranks: a row is then three pieces of the answer's text, not two per
 * dimension (the text's pieces are most of what turning it into bytes costs).
 */
function suffixesOf(sc: SortedCounts, dims: readonly string[]): readonly string[] {
  const id = dims.join('\u0000');
  const kept = SUFFIXES.get(id);
  if (
    kept &&
    kept.ranks.length === sc.ranks.length &&
    kept.ranks.every((r, k) => r === sc.ranks[k])
  )
    return kept.text;
  const names = namesOf(dims);
  const text = Array.from({ length: sc.counts.length }, (_, key) => rowSuffix(sc, names, key));
  if (SUFFIXES.size >= 16) SUFFIXES.clear();
  SUFFIXES.set(id, { ranks: sc.ranks, text });
  return text;
}

/** Each dimension's name as it leads its value in a row (`,"month":`). */
const namesOf = (dims: readonly string[]) => dims.map((d) => `,${JSON.stringify(d)}:`);

/** A row key's text after its count. */
function rowSuffix(sc: SortedCounts, names: readonly string[], key: number): string {
  let row = '';
  for (let k = 0; k < names.length; k++) {
    const r = Math.floor(key / (sc.radices[k] as number)) % (sc.sizes[k] as number);
    row += `${names[k]}${(sc.ranks[k] as Ranked).json[r]}`;
  }
  return `${row}}`;
}

/** Sorted counts as the JSON text of their rows (the bytes JSON.stringify gives). */
function sortedJson(sc: SortedCounts, dims: readonly string[]): string {
  const kept = sc.counts.length <= SUFFIX_KEYS ? suffixesOf(sc, dims) : null;
  const names = kept ? [] : namesOf(dims);
  let out = '[';
  for (let key = 0; key < sc.counts.length; key++) {
    const count = sc.counts[key] as number;
    if (count === 0) continue;
    out += out.length === 1 ? '{"count":' : ',{"count":';
    out += count;
    out += kept ? (kept[key] as string) : rowSuffix(sc, names, key);
  }
  return `${out}]`;
}

/** An aggregation's plan: sorted counts when they answer it, else the general grouping. */
function planAggregate(
  view: SessionView,
  f: SessionFilter,
  now: number,
  dims: readonly string[],
): { readonly sorted: SortedCounts | null; rows(): AggregationRow[] } {
  const c = compile(view, f, now);
  const extra = addedMatching(view, f, now);
  const columns = dims.map((d) => (d === 'bounced' ? bouncedColumn(view) : view.base.column(d)));
  let product = 1;
  for (const col of columns) product *= col.dict.length;
  // No recorded session to merge, and one order for every dimension's values.
  if (c && dims.length > 0 && extra.length === 0 && product <= DENSE_GROUPS) {
    const ranks = columns.map(rankedOf);
    if (ranks.every((r) => r !== null)) {
      const sorted = countSorted(view, c, dims, columns, ranks, product);
      return { sorted, rows: () => sortedRows(sorted, dims) };
    }
  }
  return { sorted: null, rows: () => groupedRows(f, c, extra, columns, dims, product) };
}

function groupedRows(
  f: SessionFilter,
  c: CompiledScan | null,
  extra: readonly SessionRecord[],
  columns: readonly Column[],
  dims: readonly string[],
  product: number,
): AggregationRow[] {
  let groups = new Groups();
  if (c)
    groups =
      product <= DENSE_GROUPS
        ? groupDense(c, columns, product)
        : product <= EXACT_KEYS
          ? groupByKey(c, columns)
          : groupByWideKey(c, columns);
  if (dims.length === 0) return [{ count: (groups.counts[0] ?? 0) + extra.length }];
  const rows: Group[] = groups.firstRows.map((first, g) => ({
    values: columns.map((col) => col.dict[col.codes[first] as number] ?? null),
    count: groups.counts[g] as number,
  }));
  if (extra.length) {
    // The recorded sessions' groups, added to the seeded rows' (or new groups of their own).
    const byKey = new Map(rows.map((r) => [groupKey(r.values), r]));
    for (const row of aggregate(extra, f, dims)) {
      const values = dims.map((d) => row[d] ?? null);
      const same = byKey.get(groupKey(values));
      if (same) same.count += row.count;
      else rows.push({ values, count: row.count });
    }
  }
  return groupRows(rows, dims);
}

/** Grouped counts over every session (same result as `aggregate`), for any breakdown. */
export function scanAggregate(
  view: SessionView,
  f: SessionFilter,
  now: number,
  dims: readonly string[],
): AggregationRow[] {
  return planAggregate(view, f, now, dims).rows();
}

/**
 * scanAggregate's rows as their JSON (what the endpoint sends): written straight from the
 * sorted counts when it has them, with each value's JSON kept per column.
 */
export function scanAggregateJson(
  view: SessionView,
  f: SessionFilter,
  now: number,
  dims: readonly string[],
): RawJson {
  const plan = planAggregate(view, f, now, dims);
  if (!plan.sorted) return new RawJson([Buffer.from(JSON.stringify(plan.rows()))]);
  const text = sortedJson(plan.sorted, dims);
  // Counts, names and values all ASCII: encoded as Latin-1, which skips UTF-8's checks.
  const ascii = plan.sorted.ranks.every((r) => r.ascii) && dims.every(isAscii);
  return new RawJson([Buffer.from(text, ascii ? 'latin1' : 'utf8')]);
}
