import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The directory of the committed consumer pacts (`npm test` rewrites them). */
export const PACT_DIR = root('pacts');

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

/** The app integrating with the vendor APIs, as its own pacts name it. */
export const APP_CONSUMER = 'retention-app';

/** Churnkey's hosted cancel flow: the consumer of a team's Customer Data Endpoint. */
export const CHURNKEY_CONSUMER = 'churnkey-hosted-flow';

export const PACT_PROVIDERS = [
  {
    name: 'churnkey-data-api',
    consumer: APP_CONSUMER,
    title: 'Churnkey Data API',
    contract: root('contracts/churnkey-data.openapi.yaml'),
    signed: false,
  },
  {
    name: 'churncut-api',
    consumer: APP_CONSUMER,
    title: 'ChurnCut API',
    contract: root('contracts/churncut.openapi.yaml'),
    signed: false,
  },
  {
    name: 'rebilly-reports-api',
    consumer: APP_CONSUMER,
    title: 'Rebilly subscription-cancellation report',
    contract: root('contracts/rebilly-reports.openapi.yaml'),
    signed: false,
  },
  {
    name: 'customer-data-endpoint',
    consumer: CHURNKEY_CONSUMER,
    title: 'Customer Data Endpoint (your backend, called by Churnkey)',
    contract: root('contracts/churnkey-customer-data.openapi.yaml'),
    signed: true,
  },
] as const satisfies readonly PactProvider[];

export type PactProviderName = (typeof PACT_PROVIDERS)[number]['name'];

/** The pact file Pact writes for a provider: `<consumer>-<provider>.json`. */
export function pactFile(p: PactProvider): string {
  return `${PACT_DIR}/${p.consumer}-${p.name}.json`;
}

/** A provider by name; throws an error listing the names when unknown. */
export function pactProvider(name: string): PactProvider {
  const p = PACT_PROVIDERS.find((x) => x.name === name);
  if (!p)
    throw new Error(
      `Unknown provider "${name}"; one of: ${PACT_PROVIDERS.map((x) => x.name).join(', ')}`,
    );
  return p;
}
