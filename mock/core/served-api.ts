/**
 * One vendor API a running mock serves (its own file: the public API's declarations reach it
 * without reaching the engine's, which name Express's types).
 */
export interface ServedApi {
  /** Its vendor id, the base name of its contract. */
  readonly id: string;
  readonly title: string;
  /** Its base URL: the mock's, and the path its operations share (`/v1`). */
  readonly url: string;
}

/** The path every prefix starts with, whole segments only ('/v1' for '/v1/a' and '/v1/b'). */
export function commonPath(prefixes: readonly string[]): string {
  const split = prefixes.map((p) => p.split('/').filter(Boolean));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first
    .slice(0, n)
    .map((s) => `/${s}`)
    .join('');
}
