import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../mock/core/paths.ts';

/** The directory of the committed consumer pacts (`npm test` rewrites them). */
export const PACT_DIR = `${PACKAGE_ROOT}pacts`;

/**
 * The pact file Pact writes for a provider: `<consumer>-<provider>.json`. Here rather than with
 * the providers, so that the verifier's process does not load the registry.
 */
export function pactFile(p: { readonly consumer: string; readonly name: string }): string {
  return `${PACT_DIR}/${p.consumer}-${p.name}.json`;
}

/** The parts of a Pact V4 file the verifier wrapper reads. */
export interface PactFile {
  readonly consumer: { readonly name: string };
  readonly provider: { readonly name: string };
  readonly interactions: readonly PactInteraction[];
}

export interface PactInteraction {
  readonly description: string;
  readonly type?: string;
  readonly providerStates?: readonly { readonly name: string; readonly params?: unknown }[];
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly query?: Readonly<Record<string, readonly string[]>>;
    readonly headers?: Readonly<Record<string, string | readonly string[]>>;
    readonly body?: { readonly content?: unknown; readonly contentType?: string };
  };
  readonly response: { readonly status: number };
}

/** Reads a pact file; throws a message naming the file when it is missing or not a pact. */
export function readPact(path: string): PactFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(
      `No pact file at ${path} (run the consumer tests: npx vitest run test/contract/pact)`,
    );
  }
  const pact = JSON.parse(text) as Partial<PactFile>;
  if (!pact.provider?.name || !Array.isArray(pact.interactions))
    throw new Error(`${path} is not a pact file (no provider or interactions)`);
  return pact as PactFile;
}

/** Every provider state name the interactions use, each once, in order of appearance. */
export function stateNames(pacts: readonly PactFile[]): string[] {
  const names = new Set<string>();
  for (const p of pacts)
    for (const i of p.interactions) for (const s of i.providerStates ?? []) names.add(s.name);
  return [...names];
}

/** A request header's values, whatever the case of its name. */
export function headerValues(i: PactInteraction, name: string): string[] {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(i.request.headers ?? {}))
    if (k.toLowerCase() === wanted) return typeof v === 'string' ? [v] : [...v];
  return [];
}
