import { DEMO_CHURNKEY_API_KEY } from '../../../../mock/vendors/churnkey-customer-data/index.ts';
import { signCustomerId } from '../../../../mock/vendors/churnkey-customer-data/signature.ts';
import { type Corpus, post } from './case.ts';

const PATH = '/churnkey/customer-data';
const signed = (customerId: string, key = DEMO_CHURNKEY_API_KEY) => ({
  customerId,
  signature: signCustomerId(customerId, key),
});

/**
 * The Customer Data Endpoint is served by the team's backend, not by the mock: Prism proxies to
 * the reference endpoint in `examples/` (demo key), which must answer as the contract says.
 */
export const CUSTOMER_DATA_CORPUS: Corpus = {
  contract: 'churnkey-customer-data.openapi.yaml',
  upstream: 'reference-endpoint',
  cases: [
    post('a signed call for a known customer', PATH, signed('cus_abc123'), 200),
    post('a forged signature', PATH, signed('cus_abc123', 'ck_not_the_key'), 401),
    post('a signed call for an unknown customer', PATH, signed('cus_churnmock_nobody'), 404),
    post('no signature', PATH, { customerId: 'cus_abc123' }, 401, { violations: ['body'] }),
    post('a number for the customer id', PATH, { customerId: 42, signature: 'ab' }, 401, {
      violations: ['body'],
    }),
  ],
};
