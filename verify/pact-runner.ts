import { Verifier } from '@pact-foundation/pact';
import { type PactFile, pactFile, readPact, stateNames } from './pact-file.ts';
import { failuresOf, type InteractionFailure, type VerifierJson } from './pact-outcome.ts';
import type { PactProvider } from './pact-providers.ts';
import { type HeaderOption, headerRules, requestFilter } from './pact-request-filter.ts';
import { resignWith } from './pact-signing.ts';
import { stateUrlHandlers } from './pact-states.ts';

/** Where a Pact Broker is, and whether to publish the results to it. */
export interface BrokerOptions {
  readonly url: string;
  readonly providerVersion?: string;
  readonly providerBranch?: string;
  readonly publish: boolean;
}

/**
 * One run of Pact's verifier: which pacts, against what, with which states and headers. Plain
 * data (JSON): the verifier runs in a process of its own (`pact-process.ts`).
 */
export interface PactVerification {
  readonly provider: PactProvider;
  readonly baseUrl: string;
  /** Pact's state-change URL (`POST {state, params, action}`, answering values as JSON). */
  readonly stateUrl?: string;
  readonly headers?: readonly HeaderOption[];
  /** Defaults to the committed pact of the provider. */
  readonly pactFiles?: readonly string[];
  /** Take the provider's pacts from a broker instead of files. */
  readonly broker?: BrokerOptions;
  /** Re-sign each request body with this Churnkey API key instead of the pact's demo key. */
  readonly signWith?: string;
  /** Send every request to this path instead of the pact's (an endpoint at its own URL). */
  readonly endpointPath?: string;
}

export interface PactOutcome {
  readonly ok: boolean;
  readonly interactions: number;
  readonly failures: readonly InteractionFailure[];
  /** State-change calls that failed (Pact's proxy only logs them; they fail the run here). */
  readonly stateErrors: readonly string[];
  /** The verifier could not run at all (bad URL, unreadable pact, …). */
  readonly error: string | null;
}

/** Broker consumers' versions to verify: the main branch and whatever is deployed. */
const CONSUMER_SELECTORS = [{ mainBranch: true }, { deployedOrReleased: true }];

/** The pact files a run reads locally: the files given, else the committed one. */
const localPactFiles = (v: PactVerification): string[] =>
  v.pactFiles?.length ? [...v.pactFiles] : [pactFile(v.provider)];

/** The local pacts, each checked to be with the provider. */
function localPacts(v: PactVerification): PactFile[] {
  const files = localPactFiles(v);
  const pacts = files.map(readPact);
  for (const [k, p] of pacts.entries())
    if (p.provider.name !== v.provider.name)
      throw new Error(`${files[k]} is a pact with ${p.provider.name}, not ${v.provider.name}`);
  return pacts;
}

/**
 * The options for Pact's Verifier. `pacts` are the local pacts: verified when there is no
 * broker, and with one, still where the demo credentials that `--header` swaps are read.
 */
export function verifierOptions(
  v: PactVerification,
  pacts: readonly PactFile[],
  stateErrors: string[],
): ConstructorParameters<typeof Verifier>[0] {
  const b = v.broker;
  return {
    provider: v.provider.name,
    providerBaseUrl: v.baseUrl,
    logLevel: 'error',
    ...(b
      ? {
          pactBrokerUrl: b.url,
          consumerVersionSelectors: CONSUMER_SELECTORS,
          publishVerificationResult: b.publish,
          ...(b.providerVersion ? { providerVersion: b.providerVersion } : {}),
          ...(b.providerBranch ? { providerVersionBranch: b.providerBranch } : {}),
        }
      : { pactUrls: localPactFiles(v) }),
    // Local pacts: one handler per state, failures named in the report. A broker's pacts are
    // not known in advance: Pact's core then posts every state to the URL itself.
    ...(v.stateUrl
      ? b
        ? { providerStatesSetupUrl: v.stateUrl }
        : { stateHandlers: stateUrlHandlers(v.stateUrl, stateNames(pacts), stateErrors) }
      : {}),
    requestFilter: requestFilter(
      headerRules(pacts, v.headers ?? []),
      v.signWith ? resignWith(v.signWith) : null,
      v.endpointPath ?? null,
    ),
  };
}

/** Runs Pact's verifier for one provider; never throws, the outcome says what happened. */
export async function verifyPact(v: PactVerification): Promise<PactOutcome> {
  // The Rust core otherwise reports usage to Google Analytics on every run.
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  const stateErrors: string[] = [];
  const outcome = (partial: Partial<PactOutcome>): PactOutcome => ({
    ok: false,
    interactions: 0,
    failures: [],
    stateErrors,
    error: null,
    ...partial,
  });
  let pacts: PactFile[];
  try {
    pacts = v.broker && !v.pactFiles?.length ? tryLocalPacts(v) : localPacts(v);
  } catch (e) {
    return outcome({ error: (e as Error).message });
  }
  let json: VerifierJson;
  try {
    const verifier = new Verifier(verifierOptions(v, pacts, stateErrors));
    json = JSON.parse(await verifier.verifyProvider()) as VerifierJson;
  } catch (e) {
    const message = (e as Error).message;
    try {
      // A failed verification rejects with the same JSON summary as its message.
      json = JSON.parse(message) as VerifierJson;
    } catch {
      return outcome({ error: message });
    }
  }
  const failures = failuresOf(json);
  return outcome({
    ok: json.result === true && failures.length === 0 && stateErrors.length === 0,
    interactions: json.interactionResults?.length ?? 0,
    failures,
  });
}

/** With a broker the committed pact is optional: it only names the demo credentials. */
function tryLocalPacts(v: PactVerification): PactFile[] {
  try {
    return localPacts(v);
  } catch {
    return [];
  }
}
