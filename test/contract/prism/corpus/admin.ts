import { CHURNCUT_STATES } from '../../../../mock/vendors/churncut/states.ts';
import { type Corpus, get, post } from './case.ts';

const pending = CHURNCUT_STATES.pendingFlow;

export const ADMIN_CORPUS: Corpus = {
  contract: 'churnmock-admin.openapi.yaml',
  cases: [
    get('health', '/__admin/health', 200),
    post('reset', '/__admin/reset', undefined, 200),
    get('the clock', '/__admin/clock', 200),
    post('advance the clock', '/__admin/clock', { advance: 'PT25H' }, 200),
    post('not a duration', '/__admin/clock', { advance: 'tomorrow' }, 400),
    post('neither advance nor now', '/__admin/clock', {}, 400, { violations: ['body'] }),
    post('a duration with text after it', '/__admin/clock', { advance: 'P1DX' }, 400),
    post('outside the years 0000 to 9999', '/__admin/clock', { advance: 'P300000Y' }, 400),
    post('only an unknown property', '/__admin/clock', { advnce: 'P1D' }, 400, {
      violations: ['body'],
    }),
    post('add a webhook target', '/__admin/webhooks', { url: 'http://127.0.0.1:9/hooks' }, 200),
    get('webhook targets', '/__admin/webhooks', 200),
    post('not an http URL', '/__admin/webhooks', { url: 'ftp://example.com' }, 400, {
      violations: ['body'],
    }),
    get('deliveries', '/__admin/webhooks/deliveries', 200),
    get('provider states', '/__admin/states', 200),
    post('set a state up', '/__admin/states', { state: pending }, 200),
    post('tear a state down', '/__admin/states', { state: pending, action: 'teardown' }, 200),
    post('an unknown state', '/__admin/states', { state: 'customer has a pony' }, 400),
    post('an Object.prototype name', '/__admin/states', { state: 'hasOwnProperty' }, 400),
    post('no state', '/__admin/states', { params: {} }, 400, { violations: ['body'] }),
  ],
};
