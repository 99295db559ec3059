/**
 * What a store hands its writes to: a data directory's journal (`--data-dir`), or nothing.
 * `kind` names the write and `data` is JSON the store's `apply` reads back.
 */
export type WriteSink = (kind: string, data: unknown) => void;

/**
 * A part of the mock's state that survives a restart: its writes since the seed as records
 * (`persistTo`) and as one JSON value (`exportState`), each read back over the seeded state.
 */
export interface PersistentPart {
  /** Sends every later write to `sink` (null: none). */
  persistTo(sink: WriteSink | null): void;
  /** Applies one journalled write as the write itself did (replay runs before `persistTo`). */
  apply(kind: string, data: unknown): void;
  /** Every write since the seed, as JSON (a snapshot's part). */
  exportState(): unknown;
  /** Resets to the seed, then restores what exportState returned. */
  importState(state: unknown): void;
}
