import { createHash } from 'node:crypto';
import { iso } from '../generators/time.ts';
import type { Registry, WorldParams } from './core/vendor.ts';

/**
 * The dataset as JSON-lines records: what `churnmock generate` writes, line by line: a `meta`
 * line, the shared world's records, then every vendor's in the registry's order, each in its
 * API's own shape as of the world's as-of date (README, CLI: `generate`).
 */
export function* datasetRecords<D>(
  registry: Registry<D>,
  params: WorldParams,
  data: D,
): Generator<unknown> {
  yield { type: 'meta', seed: params.seed, asOf: iso(params.asOf), scale: params.scale };
  yield* registry.records(data);
  for (const v of registry.vendors) if (v.records) yield* v.records(data);
}

/** How many records of each type `datasetRecords` yields besides `meta`. */
export function datasetCounts<D>(registry: Registry<D>, data: D): Record<string, number> {
  const counts: Record<string, number> = { ...registry.counts(data) };
  for (const v of registry.vendors) Object.assign(counts, v.counts?.(data));
  return counts;
}

/** SHA-256 of the JSON-lines dataset: equal hashes mean byte-identical output. */
export function datasetHash<D>(registry: Registry<D>, params: WorldParams, data: D): string {
  const h = createHash('sha256');
  for (const r of datasetRecords(registry, params, data)) h.update(`${JSON.stringify(r)}\n`);
  return h.digest('hex');
}
