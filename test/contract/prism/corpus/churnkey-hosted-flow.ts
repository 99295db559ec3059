import { type Corpus, get, put } from './case.ts';

/** The hosted-flow simulator's admin API (each case starts from a reset mock). */
export const HOSTED_FLOW_CORPUS: Corpus = {
  contract: 'churnkey-hosted-flow.openapi.yaml',
  cases: [
    get('the configuration', '/__admin/churnkey/flow', 200),
    put(
      'point it at an endpoint',
      '/__admin/churnkey/flow',
      { customerDataUrl: 'http://127.0.0.1:9/churnkey/customer-data', timeoutMs: 1500 },
      200,
    ),
    put('turn the endpoint call off', '/__admin/churnkey/flow', { customerDataUrl: null }, 200),
    put('a timeout that is not a number', '/__admin/churnkey/flow', { timeoutMs: 'soon' }, 400, {
      violations: ['body'],
    }),
    put('an empty change', '/__admin/churnkey/flow', {}, 400, { violations: ['body'] }),
    put('a Cancel Flow without steps', '/__admin/churnkey/flow', { flow: { steps: 3 } }, 400, {
      violations: ['body'],
    }),
    get('the page URL for a customer', '/__admin/churnkey/flow-url?customerId=cus_abc123', 200),
    get('no customer id', '/__admin/churnkey/flow-url', 400, { violations: ['query'] }),
    get('sessions', '/__admin/churnkey/sessions', 200),
  ],
};
