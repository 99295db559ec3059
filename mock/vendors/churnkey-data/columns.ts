import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import type { Key, SessionTable } from '../../../generators/churnkey-sessions.ts';
import { DAY } from '../../../generators/time.ts';
import { longLived } from '../../../generators/typed-arrays.ts';
import { derived } from '../../core/derived.ts';
import { lowerBoundDescending, upperBoundDescending } from '../../core/search.ts';
import {
  type Accessor,
  DIMENSIONS,
  FIELD_SOURCES,
  FILTER_FIELDS,
  type FieldSource,
  type FieldValue,
} from './fields.ts';

/** `into[i] = into[i] × size + codes[i]` (a function of its own: one element type per call site). */
function combine(into: Float64Array, codes: ArrayLike<number>, size: number): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) * size + (codes[i] as number);
}

/** Source combinations up to this many are tracked in an array, more in a Map. */
const DENSE_KEYS = 1 << 24;

/** One field over a session array as dictionary codes: `dict[codes[i]]` is session i's value. */
export interface Column {
  readonly codes: Uint32Array | Uint8Array;
  readonly dict: readonly FieldValue[];
  readonly lookup: ReadonlyMap<FieldValue, number>;
}

/** A seeded row's state after the writes: shown, bounced (by a later recorded session), erased. */
export const SHOWN = 0;
export const BOUNCED = 1;
export const ERASED = 2;

/**
 * The store's sessions as scans read them: the seeded columns, each seeded row's state and its
 * current record, and the sessions recorded since (newest first), merged in by the scan.
 */
export interface SessionView {
  readonly base: SessionColumns;
  /** SHOWN, BOUNCED or ERASED per seeded row; as a column, it is the `bounced` dimension. */
  readonly state: Uint8Array;
  /** Each seeded row's state as seeded (SHOWN or BOUNCED); never written. */
  readonly seededState: Uint8Array;
  /** The seeded rows whose state writes may have changed since the seed. */
  readonly touched: ReadonlySet<number>;
  /** Seeded row i as it is now: a copy once a recorded session changed its `bounced`. */
  record(i: number): SessionRecord;
  /** Sessions recorded since the seed, oldest first. */
  readonly added: readonly SessionRecord[];
}

/** How many columns have been built, in every store: tests check writes build none. */
let builds = 0;
export const columnBuilds = (): number => builds;

/**
 * A columnar view of a newest-first session array, for scans over all sessions. A million
 * sessions walked as objects through closures and string keys take ~1 s per aggregation; as
 * typed arrays they take a few ms. Columns are built on first use of a field and never again:
 * the store builds them over the seeded sessions only, which never change (writes go to a
 * small list beside them and to a per-row state, see store.ts).
 */
export class SessionColumns {
  readonly table: SessionTable;
  readonly length: number;
  readonly createdAt: Float64Array;
  readonly #columns = new Map<string, Column>();
  #days: Key | null = null;
  readonly #combos = new Map<string, Key>();
  /** Where a column's codes are worked out before they are copied to an array of their size. */
  #scratch: Uint32Array | null = null;

  constructor(table: SessionTable) {
    this.table = table;
    this.length = table.length;
    this.createdAt = table.createdAt;
  }

  /** The column of a filter field or breakdown dimension, built once. */
  column(name: string): Column {
    if (!FILTER_FIELDS[name] && !DIMENSIONS[name]) throw new Error(`no session field ${name}`);
    this.build([name]);
    return this.#columns.get(name) as Column;
  }

  /**
   * Builds the columns of these fields (those not built yet). A field with sources
   * (fields.ts, FIELD_SOURCES) is read once per distinct combination of its sources' codes,
   * from the first session that has it, so a million sessions cost a pass over typed arrays;
   * a field of the session itself (ids, e-mails) is read from every row. Either way a value's
   * code is its order of first appearance, newest first.
   */
  build(names: readonly string[]): void {
    const todo = names.filter((n) => !this.#columns.has(n));
    if (todo.length === 0) return;
    for (const name of todo) {
      // Built once per dataset (another store over the same sessions, or the data cache, has it).
      const built = derived(this.table.customers, `churnkey.column.${name}`, () =>
        this.#build(name),
      );
      const codes = built.arrays.codes as Uint32Array | Uint8Array;
      const dict = built.meta as FieldValue[];
      this.#columns.set(name, { codes, dict, lookup: new Map(dict.map((v, i) => [v, i])) });
    }
  }

  /** One field's column: its codes, and the values they stand for. */
  #build(name: string): { arrays: { codes: Uint32Array | Uint8Array }; meta: FieldValue[] } {
    const s = this.table.cursor();
    const accessor = (FILTER_FIELDS[name] ?? DIMENSIONS[name]) as Accessor;
    this.#scratch ??= new Uint32Array(this.length);
    const codes = this.#scratch;
    const dict: FieldValue[] = [];
    const lookup = new Map<FieldValue, number>();
    const codeAt = (i: number): number => {
      s.row = i;
      const v = accessor(s);
      let code = lookup.get(v);
      if (code === undefined) {
        code = dict.length;
        dict.push(v);
        lookup.set(v, code);
      }
      return code;
    };
    const sources = FIELD_SOURCES[name];
    if (sources) {
      const { codes: keys, size } = this.#combined(sources);
      // Each combination's code once seen (-1: not yet).
      const known = size <= DENSE_KEYS ? new Int32Array(size).fill(-1) : null;
      const sparse = known ? null : new Map<number, number>();
      for (let i = 0; i < this.length; i++) {
        const key = keys[i] as number;
        let code = known ? (known[key] as number) : (sparse?.get(key) ?? -1);
        if (code < 0) {
          code = codeAt(i);
          if (known) known[key] = code;
          else sparse?.set(key, code);
        }
        codes[i] = code;
      }
    } else for (let i = 0; i < this.length; i++) codes[i] = codeAt(i);
    builds++;
    // A byte a session for the fields of few values (most of them): a quarter of the memory
    // and of what a scan reads.
    const kept =
      dict.length <= 256 ? longLived(Uint8Array, this.length) : longLived(Uint32Array, this.length);
    kept.set(codes);
    return { arrays: { codes: kept }, meta: dict };
  }

  /** Each session's combination of these sources as one number (kept: fields share them). */
  #combined(sources: readonly FieldSource[]): Key {
    const name = sources.join('+');
    let combined = this.#combos.get(name);
    if (!combined) {
      const keys = sources.map((k) => this.#key(k));
      const size = keys.reduce((p, k) => p * k.size, 1);
      if (keys.length === 1) combined = keys[0] as Key;
      else {
        const codes = new Float64Array(this.length);
        for (const k of keys) combine(codes, k.codes, k.size);
        combined = { codes, size };
      }
      this.#combos.set(name, combined);
    }
    return combined;
  }

  /** The codes of one source of a field (the day's: days since the oldest session). */
  #key(source: FieldSource): Key {
    if (source !== 'day') return this.table.keys[source];
    if (!this.#days) {
      const t = this.createdAt;
      const first = this.length ? Math.floor((t[this.length - 1] as number) / DAY) : 0;
      const codes = new Uint32Array(this.length);
      let size = 1;
      for (let i = 0; i < this.length; i++) {
        const d = Math.floor((t[i] as number) / DAY) - first;
        codes[i] = d;
        size = Math.max(size, d + 1);
      }
      this.#days = { codes, size };
    }
    return this.#days;
  }

  /** First index whose createdAt is ≤ t (`inclusive`) or < t, in the newest-first order. */
  firstAtOrBefore(t: number, inclusive: boolean): number {
    return inclusive
      ? lowerBoundDescending(this.createdAt, t)
      : upperBoundDescending(this.createdAt, t);
  }
}
