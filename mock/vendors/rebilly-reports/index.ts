import type { SeededData } from '../../../generators/dataset.ts';
import { type BuildContext, defineVendor, type VendorInstance } from '../../core/vendor.ts';
import { rebillyBanner } from './banner.ts';
import { REBILLY_CLI } from './cli.ts';
import { rebillyReportsModule } from './handlers.ts';
import { addJwtCommand } from './jwt-command.ts';
import { DEFAULT_REBILLY_CREDENTIALS, type RebillyCredentials } from './options.ts';
import { rebillyReportsStates } from './states.ts';
import { RebillyReportsStore } from './store.ts';

/** A built report: its store of canceled subscriptions. */
export interface RebillyReports extends VendorInstance {
  readonly store: RebillyReportsStore;
}

/** A store of the seeded cancellations. */
const storeOf = (data: SeededData) => new RebillyReportsStore(data.world, data.rebilly);

/** `generate` reads the store twice (records, counts); both read one store per dataset. */
const generated = new WeakMap<SeededData, RebillyReportsStore>();
function generatedStore(data: SeededData): RebillyReportsStore {
  const store = generated.get(data) ?? storeOf(data);
  generated.set(data, store);
  return store;
}

/** Rebilly's subscription-cancellation report (Rebilly API reference, Retrieve a subscription cancellation report). */
export const rebillyReports = defineVendor({
  id: 'rebilly-reports',
  title: 'Rebilly Reports API',
  defaults: DEFAULT_REBILLY_CREDENTIALS,
  cli: REBILLY_CLI,
  commands: addJwtCommand,
  pact: {
    provider: 'rebilly-reports-api',
    consumer: 'retention-app',
    signed: false,
    title: 'Rebilly subscription-cancellation report',
  },
  sample: {
    path: '/experimental/reports/subscription-cancellation?periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z&aggregationField=planId&limit=100',
    headers: { 'reb-apikey': DEFAULT_REBILLY_CREDENTIALS.apiKey },
  },
  build({ data, clock }: BuildContext<SeededData>, creds: RebillyCredentials): RebillyReports {
    const store = storeOf(data);
    return {
      store,
      api: rebillyReportsModule(store, clock, creds),
      states: rebillyReportsStates(store, clock),
      exposedHeaders: ['Pagination-Total', 'Pagination-Limit', 'Pagination-Offset'],
      reset: () => store.reset(),
      credentials: () => [
        {
          label: 'API key',
          value: creds.apiKey,
          header: { name: 'REB-APIKEY', value: creds.apiKey },
        },
        { label: 'API key without the report permission (403)', value: creds.restrictedApiKey },
        { label: 'JWT secret (HS256 bearer tokens)', value: creds.jwtSecret },
      ],
      banner: (base) => rebillyBanner(base, creds, store.canceledUntil(clock.now())),
    };
  },
  *records(data: SeededData) {
    for (const s of generatedStore(data).subscriptions())
      yield { type: 'rebilly.subscription', data: s };
  },
  counts: (data: SeededData) => ({
    'rebilly subscriptions': generatedStore(data).data.count,
  }),
});
