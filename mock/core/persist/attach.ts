import { ConfigurationError } from '../errors.ts';
import { PACKAGE_VERSION } from '../paths.ts';
import { DataDirLockedError } from './journal-file.ts';
import type { PersistentPart } from './part.ts';
import { Persistence, WorldMismatchError, type WorldParams } from './persistence.ts';

/** The world a data directory is for: the seeded world's parameters and churnmock's version. */
export const worldParams = (seed: number, asOf: number, scale: number): WorldParams => ({
  seed,
  asOf: new Date(asOf).toISOString(),
  scale,
  // Generated data may differ between versions, so a directory serves the version that made it.
  dataVersion: PACKAGE_VERSION,
});

/** Every part's state now, by name (a snapshot's `parts`). */
export const exportParts = (parts: ReadonlyMap<string, PersistentPart>) =>
  Object.fromEntries([...parts].map(([name, p]) => [name, p.exportState()]));

/**
 * Opens a data directory for the mock whose state is `parts`: restores its snapshot, replays
 * its journal over it, then hands every later write to the journal (compacting it once it
 * passes its threshold). A directory in use or made for another world is a ConfigurationError
 * (one line from the CLI).
 */
export async function attachDataDir(
  dir: string,
  world: WorldParams,
  parts: ReadonlyMap<string, PersistentPart>,
  options: {
    readonly resetData: boolean;
    readonly warn: (message: string) => void;
    readonly compactBytes?: number;
  },
): Promise<Persistence> {
  let opened: Awaited<ReturnType<typeof Persistence.open>>;
  try {
    opened = await Persistence.open(dir, world, {
      resetData: options.resetData,
      warn: options.warn,
      ...(options.compactBytes === undefined ? {} : { compactBytes: options.compactBytes }),
    });
  } catch (e) {
    if (e instanceof WorldMismatchError || e instanceof DataDirLockedError)
      throw new ConfigurationError(e.message);
    throw e;
  }
  const { persistence, recovered } = opened;
  try {
    for (const [name, state] of Object.entries(recovered.snapshot?.parts ?? {}))
      parts.get(name)?.importState(state);
    for (const r of recovered.records) {
      const part = parts.get(r.part);
      if (!part) throw new Error(`a write of an unknown part "${r.part}"`);
      part.apply(r.kind, r.data);
    }
  } catch (e) {
    await persistence.close();
    throw new ConfigurationError(
      `${dir} holds writes this churnmock cannot replay (${(e as Error).message}); start with --reset-data to empty it`,
    );
  }
  let compacting = false;
  for (const [name, part] of parts)
    part.persistTo((kind, data) => {
      persistence.append(name, kind, data);
      if (persistence.needsCompaction && !compacting) {
        compacting = true;
        void persistence
          .compact(() => exportParts(parts))
          .finally(() => {
            compacting = false;
          });
      }
    });
  return persistence;
}
