import { contractFile } from '../mock/core/paths.ts';
import { REGISTRY } from '../mock/registry.ts';

export { PACT_DIR, pactFile } from './pact-file.ts';

/** One provider the committed pacts describe. */
export interface PactProvider {
  /** The provider name in the pact (what `--provider` takes). */
  readonly name: string;
  /** The consumer that wrote the pact. */
  readonly consumer: string;
  readonly title: string;
  /** The OpenAPI contract the pact's interactions must agree with. */
  readonly contract: string;
  /** Churnkey signs each request to this provider (`signature` in the body). */
  readonly signed: boolean;
}

/**
 * Every provider the committed pacts describe: each registered vendor with a pact, its
 * contract the one its interactions must agree with.
 */
export const PACT_PROVIDERS: readonly PactProvider[] = REGISTRY.vendors.flatMap((v) =>
  v.pact
    ? [
        {
          name: v.pact.provider,
          consumer: v.pact.consumer,
          title: v.pact.title ?? v.title,
          contract: contractFile(v.id),
          signed: v.pact.signed,
        },
      ]
    : [],
);

/** A provider by name; throws an error listing the names when unknown. */
export function pactProvider(name: string): PactProvider {
  const p = PACT_PROVIDERS.find((x) => x.name === name);
  if (!p)
    throw new Error(
      `Unknown provider "${name}"; one of: ${PACT_PROVIDERS.map((x) => x.name).join(', ')}`,
    );
  return p;
}
