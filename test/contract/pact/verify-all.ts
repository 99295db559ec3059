/**
 * `npm run pact:verify`: every committed pact against the providers this repository has — the
 * mock for the vendor APIs (in-process, on an ephemeral port, states through its
 * /__admin/states) and the reference endpoint in examples/ for the Customer Data Endpoint
 * (signed with its API key; it knows the pact's customers, so it needs no states) — with the
 * same runner as `churnmock verify pact`. Exits non-zero when any interaction fails.
 */
import { createServer } from 'node:http';
import { createReferenceEndpoint } from '../../../examples/customer-data-endpoint/app.ts';
import { createMock, DEFAULT_OPTIONS } from '../../../mock/create.ts';
import { DEMO_CHURNKEY_API_KEY } from '../../../mock/vendors/churnkey-customer-data/index.ts';
import { runPactVerification } from '../../../verify/pact-command.ts';
import { PACT_PROVIDERS } from '../../../verify/pact-providers.ts';
import { listen } from '../../helpers/wait.ts';

const started = performance.now();
const mock = await createMock(DEFAULT_OPTIONS);
const server = createServer(mock.app);
const base = await listen(server);
const endpoint = createServer(createReferenceEndpoint({ apiKey: DEMO_CHURNKEY_API_KEY }));
const endpointBase = await listen(endpoint);
const failed: string[] = [];
try {
  for (const provider of PACT_PROVIDERS) {
    const ok = await runPactVerification(
      provider.signed
        ? { provider, baseUrl: endpointBase }
        : { provider, baseUrl: base, stateUrl: `${base}/__admin/states` },
    );
    if (!ok) failed.push(provider.name);
    console.log('');
  }
} finally {
  server.close();
  endpoint.close();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  failed.length
    ? `pact:verify: ${failed.length} of ${PACT_PROVIDERS.length} providers failed (${failed.join(', ')}) in ${seconds} s`
    : `pact:verify: all ${PACT_PROVIDERS.length} providers verified in ${seconds} s`,
);
process.exit(failed.length ? 1 : 0);
