import { DEMO_CHURNKEY_API_KEY } from '../mock/vendors/churnkey-customer-data/index.ts';
import { signCustomerId } from '../mock/vendors/churnkey-customer-data/signature.ts';
import type { BodyRewrite } from './pact-request-filter.ts';

/**
 * Signs each Customer Data Endpoint request with `apiKey`, as Churnkey would for that key. The
 * pact's requests are signed with the demo key; only a signature that is right for its
 * `customerId` under the demo key is re-signed, so the interactions that send a wrong or no
 * signature on purpose still do.
 */
export function resignWith(apiKey: string): BodyRewrite {
  return (body) => {
    const { customerId, signature } = body;
    if (typeof customerId !== 'string') return null;
    if (signature !== signCustomerId(customerId, DEMO_CHURNKEY_API_KEY)) return null;
    return { ...body, signature: signCustomerId(customerId, apiKey) };
  };
}
