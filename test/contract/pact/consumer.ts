import { rmSync } from 'node:fs';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { beforeAll } from 'vitest';
import { PACT_DIR, type PactProvider, pactFile } from '../../../verify/pact-providers.ts';

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
