import { rmSync } from 'node:fs';
import {
  MatchersV3,
  PactV4,
  type Path,
  type TemplateHeaders,
  type TemplateQuery,
} from '@pact-foundation/pact';
import { beforeAll, expect } from 'vitest';
import { PACT_DIR, type PactProvider, pactFile } from '../../../verify/pact-providers.ts';
import { ApiError } from './clients/http.ts';

/**
 * The Pact V4 builder for one provider's consumer tests. The old pact file is removed first:
 * Pact merges into an existing file, so a renamed or dropped interaction would linger.
 */
export function consumerPact(provider: PactProvider): PactV4 {
  beforeAll(() => rmSync(pactFile(provider), { force: true }));
  return new PactV4({
    consumer: provider.consumer,
    provider: provider.name,
    dir: PACT_DIR,
    logLevel: 'warn',
  });
}

/** The date-time format of every timestamp the vendors send (`2023-05-31T18:34:02.826Z`). */
export const ISO_MILLIS = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

/**
 * A value the provider state hands out (an id it found or created), injected into the request
 * or expected response at verification time; `example` is what the consumer test sees.
 */
export const fromState = <T>(name: string, example: T) =>
  MatchersV3.fromProviderState(`\${${name}}`, example);

/** A path with a provider-state value in it: `pathFromState('/v1/customers/', 'customerId', 'cus_abc123')`. */
export const pathFromState = (prefix: string, name: string, example: string) =>
  MatchersV3.fromProviderState(`${prefix}\${${name}}`, `${prefix}${example}`);

/** What the consumer sends: each part left out is left out of the pact too. */
export interface PactRequest {
  readonly method: 'GET' | 'POST';
  readonly path: Path;
  readonly query?: TemplateQuery;
  readonly headers?: TemplateHeaders;
  /** A JSON body. */
  readonly body?: unknown;
}

/** What the consumer expects back: each part left out is left out of the pact too. */
export interface PactResponse {
  readonly status: number;
  readonly headers?: TemplateHeaders;
  /** A JSON body. */
  readonly body?: unknown;
}

/** One interaction of a pact, as data. */
export interface Interaction {
  /** The provider state; none when the interaction needs nothing of the provider. */
  readonly state?: string;
  readonly uponReceiving: string;
  readonly request: PactRequest;
  readonly response: PactResponse;
}

/** Adds an interaction to the pact; the test runs its client against it with `.executeTest`. */
export function interaction(
  pact: PactV4,
  { state, uponReceiving, request, response }: Interaction,
) {
  const added = pact.addInteraction();
  return (state === undefined ? added : added.given(state))
    .uponReceiving(uponReceiving)
    .withRequest(request.method, request.path, (b) => {
      if (request.query) b.query(request.query);
      if (request.headers) b.headers(request.headers);
      if (request.body !== undefined) b.jsonBody(request.body);
    })
    .willRespondWith(response.status, (b) => {
      if (response.headers) b.headers(response.headers);
      if (response.body !== undefined) b.jsonBody(response.body);
    });
}

/** The ApiError a call failed with; a call that succeeds, or fails in another way, fails the test. */
export async function apiError(call: Promise<unknown>): Promise<ApiError> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  expect(outcome).toHaveProperty('error');
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** An interaction the provider refuses, and the client call that must fail with its status. */
export interface Refusal extends Interaction {
  /** The test's name. */
  readonly name: string;
  /** Makes the call against the Pact mock server at `url`. */
  readonly call: (url: string) => Promise<unknown>;
  /** What the client's error message must say, where the test checks it. */
  readonly message?: RegExp;
}

/** Runs a refusal: the client fails with an ApiError of the status the pact expects. */
export function expectRefusal(pact: PactV4, refusal: Refusal) {
  return interaction(pact, refusal).executeTest(async (server) => {
    const err = await apiError(refusal.call(server.url));
    expect(err.status).toBe(refusal.response.status);
    if (refusal.message) expect(err.message).toMatch(refusal.message);
  });
}
