import { Verifier } from '@pact-foundation/pact';
import { type PactFile, readPact, stateNames } from './pact-file.ts';
import { type PactProvider, pactFile } from './pact-providers.ts';
import {
  type BodyRewrite,
  type HeaderOption,
  headerRules,
  requestFilter,
} from './pact-request-filter.ts';

/** One run of Pact's verifier: which pacts, against what, with which states and headers. */
export interface PactVerification {
  readonly provider: PactProvider;
  readonly baseUrl: string;
  /** Pact's state-change URL (`POST {state, params, action}`, answering values as JSON). */
  readonly stateUrl?: string;
  readonly headers?: readonly HeaderOption[];
  /** Defaults to the committed pact of the provider. */
  readonly pactFiles?: readonly string[];
  /** Changes request bodies on the way (Churnkey's signature for another API key). */
  readonly rewriteBody?: BodyRewrite;
}

export interface InteractionFailure {
  readonly description: string;
  readonly problems: readonly string[];
}

export interface PactOutcome {
  readonly ok: boolean;
  readonly pactFiles: readonly string[];
  readonly interactions: number;
  readonly failures: readonly InteractionFailure[];
  /** State-change calls that failed (Pact's proxy only logs them; they fail the run here). */
  readonly stateErrors: readonly string[];
  /** The verifier could not run at all (bad URL, unreadable pact, …). */
  readonly error: string | null;
}

/** The verifier's JSON summary (`pactffi_verifier_json`). */
interface VerifierJson {
  readonly result?: boolean;
  readonly interactionResults?: readonly {
    readonly description: string;
    readonly result: string;
  }[];
  readonly errors?: readonly {
    readonly interaction: string;
    readonly mismatch?: {
      readonly type?: string;
      readonly message?: string;
      readonly mismatches?: readonly {
        readonly type?: string;
        readonly mismatch?: string;
        readonly path?: string;
        readonly key?: string;
        readonly parameter?: string;
        readonly expected?: unknown;
        readonly actual?: unknown;
      }[];
    };
  }[];
}

/** Terminal colour codes the Rust core puts into some messages. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function describeMismatch(m: NonNullable<NonNullable<VerifierJson['errors']>[number]['mismatch']>) {
  if (!m.mismatches?.length) return [(m.message ?? m.type ?? 'failed').replace(ANSI, '')];
  return m.mismatches.map((x) => {
    const where = x.path ?? x.key ?? x.parameter;
    const text =
      x.mismatch ?? `expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`;
    return `${x.type ?? 'Mismatch'}${where ? ` ${where}` : ''}: ${text}`.replace(ANSI, '');
  });
}

function failuresOf(json: VerifierJson): InteractionFailure[] {
  const byInteraction = new Map<string, string[]>();
  for (const e of json.errors ?? []) {
    // "Verifying a pact between A and B[ Given S] - D" → "D (given S)".
    const m = /^Verifying a pact between .+? and \S+(?: Given (.+?))? - (.+)$/s.exec(e.interaction);
    const interaction = m ? `${m[2]}${m[1] ? ` (given ${m[1]})` : ''}` : e.interaction;
    const list = byInteraction.get(interaction) ?? [];
    list.push(...(e.mismatch ? describeMismatch(e.mismatch) : ['failed']));
    byInteraction.set(interaction, list);
  }
  return [...byInteraction].map(([description, problems]) => ({ description, problems }));
}

/** State handlers that call the state URL, recording every failure. */
function stateHandlers(pacts: readonly PactFile[], stateUrl: string, errors: string[]) {
  const handlers: Record<string, () => Promise<undefined>> = { '': async () => undefined };
  const calls = Object.fromEntries(
    stateNames(pacts).map((state) => [
      state,
      async (params?: unknown) => {
        let answer: Response;
        try {
          answer = await fetch(stateUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ state, params: params ?? {}, action: 'setup' }),
          });
        } catch (e) {
          errors.push(`"${state}": ${stateUrl} did not answer (${(e as Error).message})`);
          throw e;
        }
        const text = await answer.text();
        if (!answer.ok) {
          errors.push(`"${state}": ${stateUrl} answered ${answer.status} ${text.slice(0, 300)}`);
          throw new Error(`state change answered ${answer.status}`);
        }
        return text.trim() ? JSON.parse(text) : undefined;
      },
    ]),
  );
  return { ...handlers, ...calls };
}

/** Runs Pact's verifier for one provider; never throws, the outcome says what happened. */
export async function verifyPact(v: PactVerification): Promise<PactOutcome> {
  // The Rust core otherwise reports usage to Google Analytics on every run.
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  const pactFiles = v.pactFiles?.length ? [...v.pactFiles] : [pactFile(v.provider)];
  const stateErrors: string[] = [];
  const outcome = (partial: Partial<PactOutcome>): PactOutcome => ({
    ok: false,
    pactFiles,
    interactions: 0,
    failures: [],
    stateErrors,
    error: null,
    ...partial,
  });
  let pacts: PactFile[];
  try {
    pacts = pactFiles.map(readPact);
    for (const [k, p] of pacts.entries())
      if (p.provider.name !== v.provider.name)
        throw new Error(
          `${pactFiles[k]} is a pact with ${p.provider.name}, not ${v.provider.name}`,
        );
  } catch (e) {
    return outcome({ error: (e as Error).message });
  }
  const interactions = pacts.reduce((n, p) => n + p.interactions.length, 0);
  const verifier = new Verifier({
    provider: v.provider.name,
    providerBaseUrl: v.baseUrl,
    pactUrls: pactFiles,
    logLevel: 'error',
    stateHandlers: v.stateUrl ? stateHandlers(pacts, v.stateUrl, stateErrors) : undefined,
    requestFilter: requestFilter(headerRules(pacts, v.headers ?? []), v.rewriteBody ?? null),
  });
  let json: VerifierJson;
  try {
    json = JSON.parse(await verifier.verifyProvider()) as VerifierJson;
  } catch (e) {
    const message = (e as Error).message;
    try {
      json = JSON.parse(message) as VerifierJson;
    } catch {
      return outcome({ interactions, error: message });
    }
  }
  const failures = failuresOf(json);
  return outcome({
    ok: json.result === true && failures.length === 0 && stateErrors.length === 0,
    interactions: json.interactionResults?.length ?? interactions,
    failures,
  });
}
