import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * YAML files the package reads at start (the contracts, the hosted flow's default flow) are
 * parsed to JSON by the build, with the hash of the text they were parsed from; a start reads
 * the JSON and loads the YAML parser only when the copy is missing or stale (the sources, an
 * edited file), so an edited file is never read stale.
 */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Parses YAML text (a superset of JSON); the parser loads on first use (about 40 ms of a start). */
export const parseYaml = (text: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

/**
 * Writes `file` parsed to JSON, with its text's hash, to `out`; `extra(document)` adds values
 * made from the document alone (a contract's dereferenced copy), read back by `readParsedCopy`.
 */
export async function writeParsedYaml(
  file: string | URL,
  out: string | URL,
  extra: (document: unknown) => Promise<Record<string, unknown>> = async () => ({}),
): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const document = parseYaml(text);
  const more = await extra(structuredClone(document));
  writeFileSync(out, JSON.stringify({ ...more, sha256: sha256(text), document }));
}

/** A parsed copy: the document, and what `writeParsedYaml`'s `extra` added. */
export type ParsedCopy = { readonly document: unknown } & Readonly<Record<string, unknown>>;

/**
 * The build's copy in `parsed` (its `document` and any extra values) when it was made from
 * this very `text`, else null (no copy, not JSON, or made from another text).
 */
export function readParsedCopy(text: string, parsed: string | URL): ParsedCopy | null {
  let copy: { sha256?: unknown; document?: unknown } | null = null;
  try {
    copy = JSON.parse(readFileSync(parsed, 'utf8'));
  } catch {
    // no parsed copy (the sources, or a file the build did not see)
  }
  return copy?.sha256 === sha256(text) && copy.document !== undefined ? (copy as ParsedCopy) : null;
}

/** `file` parsed: the copy in `parsed` when it was made from this very text, else parsed now. */
export function readParsedYaml(file: string | URL, parsed: string | URL): unknown {
  const text = readFileSync(file, 'utf8');
  return readParsedCopy(text, parsed)?.document ?? parseYaml(text);
}
