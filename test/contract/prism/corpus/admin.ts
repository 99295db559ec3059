import { PACKAGE_VERSION } from '../../../../mock/core/paths.ts';
import { CHURNCUT_STATES } from '../../../../mock/vendors/churncut/states.ts';
import { type Corpus, del, get, post, put } from './case.ts';

const UNKNOWN_ID = '5e9d3f0e-8c0c-4f53-9a7c-2f8a1a9b7c11';
const MAPPING = {
  request: { method: 'GET', urlPath: '/v1/data/sessions' },
  response: { status: 503 },
};

const pending = CHURNCUT_STATES.pendingFlow;

/** The default world's snapshot with the clock a day on, every other part as seeded. */
const SNAPSHOT = {
  format: 1,
  world: { seed: 42, asOf: '2025-12-31T00:00:00.000Z', scale: 1, dataVersion: PACKAGE_VERSION },
  seq: 0,
  parts: { clock: { now: Date.parse('2026-01-01T00:00:00.000Z') } },
};

export const ADMIN_CORPUS: Corpus = {
  contract: 'churnmock-admin.openapi.yaml',
  cases: [
    get('health', '/__admin/health', 200),
    post('reset', '/__admin/reset', undefined, 200),
    get('download a snapshot', '/__admin/snapshot', 200),
    post('restore a snapshot', '/__admin/snapshot', SNAPSHOT, 200),
    post(
      'a snapshot of another world',
      '/__admin/snapshot',
      { ...SNAPSHOT, world: { ...SNAPSHOT.world, seed: 7 } },
      409,
    ),
    post('a snapshot of another format', '/__admin/snapshot', { ...SNAPSHOT, format: 2 }, 400),
    post('not a snapshot', '/__admin/snapshot', { format: 1 }, 400, { violations: ['body'] }),
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
    del(
      'remove a webhook target',
      `/__admin/webhooks?url=${encodeURIComponent('http://127.0.0.1:9/hooks')}`,
      200,
    ),
    del(
      'remove a URL that is not a target',
      `/__admin/webhooks?url=${encodeURIComponent('http://127.0.0.1:9/nope')}`,
      404,
    ),
    del('remove a target without url', '/__admin/webhooks', 400, { violations: ['query'] }),
    get('the served APIs', '/__admin/apis', 200),
    post('not an http URL', '/__admin/webhooks', { url: 'ftp://example.com' }, 400, {
      violations: ['body'],
    }),
    get('deliveries', '/__admin/webhooks/deliveries', 200),
    get(
      'deliveries of one event and status',
      '/__admin/webhooks/deliveries?event=session&status=delivered&since=2026-01-01T00:00:00Z',
      200,
    ),
    get('a wait over 30 s', '/__admin/webhooks/deliveries?wait=31s', 400),
    get('a wait that is no duration', '/__admin/webhooks/deliveries?wait=soon', 400, {
      violations: ['query.wait'],
    }),
    post('trigger a webhook', '/__admin/webhooks/trigger', { event: 'cancellation.retained' }, 202),
    post('trigger an unknown event', '/__admin/webhooks/trigger', { event: 'nope' }, 400),
    post(
      'trigger for an unknown customer',
      '/__admin/webhooks/trigger',
      { event: 'session', customerId: 'cus_nope' },
      404,
    ),
    post('trigger without an event', '/__admin/webhooks/trigger', {}, 400, {
      violations: ['body'],
    }),
    post(
      'redeliver an unknown delivery',
      '/__admin/webhooks/deliveries/whd_nope/redeliver',
      undefined,
      404,
    ),
    get('provider states', '/__admin/states', 200),
    post('set a state up', '/__admin/states', { state: pending }, 200),
    post('tear a state down', '/__admin/states', { state: pending, action: 'teardown' }, 200),
    post('an unknown state', '/__admin/states', { state: 'customer has a pony' }, 400),
    post('an Object.prototype name', '/__admin/states', { state: 'hasOwnProperty' }, 400),
    post('no state', '/__admin/states', { params: {} }, 400, { violations: ['body'] }),
    get('the request journal', '/__admin/requests?limit=10', 200),
    get('requests since a time', '/__admin/requests?since=2026-01-01T00:00:00Z', 200),
    get('a limit below 1', '/__admin/requests?limit=0', 400, { violations: ['query.limit'] }),
    del('empty the journal', '/__admin/requests', 200),
    get('unmatched requests', '/__admin/requests/unmatched', 200),
    post(
      'count by a pattern',
      '/__admin/requests/count',
      { method: 'GET', urlPath: '/v1/data/sessions' },
      200,
    ),
    post('count with a bad regex', '/__admin/requests/count', { urlPattern: '(' }, 400),
    post(
      'find by a pattern',
      '/__admin/requests/find',
      { headers: { 'x-ck-app': { equalTo: 'app_churnmock' } } },
      200,
    ),
    get('an unknown request', `/__admin/requests/${UNKNOWN_ID}`, 404),
    del('forget an unknown request', `/__admin/requests/${UNKNOWN_ID}`, 404),
    post('add a stub mapping', '/__admin/mappings', MAPPING, 201),
    post('a stub with a bad status', '/__admin/mappings', { response: { status: 999 } }, 400, {
      violations: ['body'],
    }),
    post(
      'a stub with an unknown fault',
      '/__admin/mappings',
      { response: { fault: 'NOPE' } },
      400,
      {
        violations: ['body'],
      },
    ),
    get('stub mappings', '/__admin/mappings?limit=5', 200),
    del('remove every mapping', '/__admin/mappings', 200),
    post('reset mappings', '/__admin/mappings/reset', undefined, 200),
    get('an unknown mapping', `/__admin/mappings/${UNKNOWN_ID}`, 404),
    put('replace an unknown mapping', `/__admin/mappings/${UNKNOWN_ID}`, MAPPING, 404),
    del('remove an unknown mapping', `/__admin/mappings/${UNKNOWN_ID}`, 404),
    get('scenarios', '/__admin/scenarios', 200),
    post('reset scenarios', '/__admin/scenarios/reset', undefined, 200),
    put('move an unknown scenario', '/__admin/scenarios/flaky/state', { state: 'once' }, 404),
  ],
};
