import type { SessionRecord } from '../../../generators/churnkey-data.ts';
import { lowerBoundDescending, upperBoundDescending } from '../../core/search.ts';
import { type Accessor, DIMENSIONS, FILTER_FIELDS, type FieldValue } from './fields.ts';

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
  readonly sessions: readonly SessionRecord[];
  readonly createdAt: Float64Array;
  readonly #columns = new Map<string, Column>();

  constructor(sessions: readonly SessionRecord[]) {
    this.sessions = sessions;
    this.createdAt = new Float64Array(sessions.length);
    sessions.forEach((s, i) => {
      this.createdAt[i] = s.createdAt;
    });
  }

  /** The column of a filter field or breakdown dimension, built once. */
  column(name: string): Column {
    if (!FILTER_FIELDS[name] && !DIMENSIONS[name]) throw new Error(`no session field ${name}`);
    this.build([name]);
    return this.#columns.get(name) as Column;
  }

  /**
   * Builds several columns in one row-major pass. Reading a session's customer, plan and offer
   * once for all fields is several times faster than one pass per field on a large heap.
   */
  build(names: readonly string[]): void {
    const todo = names.filter((n) => !this.#columns.has(n));
    if (todo.length === 0) return;
    const accessors = todo.map((n) => (FILTER_FIELDS[n] ?? DIMENSIONS[n]) as Accessor);
    const parts = todo.map(() => ({
      codes: new Uint32Array(this.sessions.length),
      dict: [] as FieldValue[],
      lookup: new Map<FieldValue, number>(),
    }));
    for (let i = 0; i < this.sessions.length; i++) {
      const s = this.sessions[i] as SessionRecord;
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k] as (typeof parts)[number];
        const v = (accessors[k] as Accessor)(s);
        let code = part.lookup.get(v);
        if (code === undefined) {
          code = part.dict.length;
          part.dict.push(v);
          part.lookup.set(v, code);
        }
        part.codes[i] = code;
      }
    }
    for (const [k, n] of todo.entries()) this.#columns.set(n, parts[k] as Column);
    builds += todo.length;
  }

  /** First index whose createdAt is ≤ t (`inclusive`) or < t, in the newest-first order. */
  firstAtOrBefore(t: number, inclusive: boolean): number {
    return inclusive
      ? lowerBoundDescending(this.createdAt, t)
      : upperBoundDescending(this.createdAt, t);
  }
}
