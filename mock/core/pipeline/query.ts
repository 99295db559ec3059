import type { Operation } from '../contract.ts';

/** The query an operation documents, and the names it does not (ignored, and said so). */
export interface KnownQuery {
  readonly query: Record<string, unknown>;
  readonly ignored: readonly string[];
}

/** The query parameters an operation documents. */
export function queryNames(op: Operation): ReadonlySet<string> {
  return new Set(op.params.filter((p) => p.in === 'query').map((p) => p.name));
}

/**
 * Stage: keeps the documented parameters; an undocumented one is dropped and named in
 * `X-Churnmock-Ignored-Params` rather than refused (real APIs ignore what they do not know).
 */
export function knownQuery(
  names: ReadonlySet<string>,
  raw: Readonly<Record<string, unknown>>,
): KnownQuery {
  const query: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (names.has(k)) query[k] = v;
    else ignored.push(k);
  }
  return { query, ignored };
}

/**
 * A copy of `o` built by assignment. The validators add defaults and coerce in place; on a
 * copy made by spreading (`{...o}`), or on querystring's null-prototype objects, V8 gives each
 * such object a map of its own, so every property read of the generated validators misses its
 * inline cache: ~10 µs a request on a 38-parameter operation, against ~0.5 µs on this copy.
 */
export function plainCopy(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = o[k];
  return out;
}

/** The header naming ignored parameters, or none. */
export function ignoredHeader(ignored: readonly string[]): string[] {
  return ignored.length
    ? ['x-churnmock-ignored-params', ignored.map(encodeURIComponent).join(',')]
    : [];
}
