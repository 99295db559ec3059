import type { SeededData } from '../../../generators/dataset.ts';
import { type BuildContext, defineVendor, type VendorInstance } from '../../core/vendor.ts';
import { CHURNKEY_DATA_CLI } from './cli.ts';
import { churnkeyDataModule } from './handlers.ts';
import { toSessionJson } from './materialize.ts';
import { type ChurnkeyCredentials, DEFAULT_CK_CREDENTIALS } from './options.ts';
import { churnkeyDataStates } from './states.ts';
import { ChurnkeyDataStore } from './store.ts';

/** A built Data API: its store (the hosted flow writes its sessions here). */
export interface ChurnkeyDataInstance {
  readonly store: ChurnkeyDataStore;
}

/** The Churnkey Data API (Churnkey Data API docs): sessions, their aggregation and DSR. */
export const churnkeyData = defineVendor({
  id: 'churnkey-data',
  title: 'Churnkey Data API',
  defaults: DEFAULT_CK_CREDENTIALS,
  cli: CHURNKEY_DATA_CLI,
  pact: { provider: 'churnkey-data-api', consumer: 'retention-app', signed: false },
  sample: {
    path: '/v1/data/sessions?limit=100',
    headers: {
      'x-ck-api-key': DEFAULT_CK_CREDENTIALS.apiKey,
      'x-ck-app': DEFAULT_CK_CREDENTIALS.appId,
    },
  },
  build(
    { data, clock }: BuildContext<SeededData>,
    creds: ChurnkeyCredentials,
  ): ChurnkeyDataInstance & VendorInstance {
    const store = new ChurnkeyDataStore(data.world, data.churnkey);
    // Lookup tables (e-mails, ids) now, before the server listens: the first answers are fast.
    store.warm();
    return {
      store,
      persistent: store,
      api: churnkeyDataModule(store, clock, creds),
      states: churnkeyDataStates(store, clock),
      reset: () => store.reset(),
      credentials: () => [
        {
          label: 'API key',
          value: creds.apiKey,
          header: { name: 'x-ck-api-key', value: creds.apiKey },
        },
        { label: 'App id', value: creds.appId, header: { name: 'x-ck-app', value: creds.appId } },
      ],
      banner: (base: string) => [
        `  Churnkey Data API   ${base}/v1/data/*   ${data.world.customers.length} customers, ${store.size(clock.now())} sessions`,
        `    headers: x-ck-api-key: ${creds.apiKey}   x-ck-app: ${creds.appId}`,
      ],
    };
  },
  *records(data: SeededData) {
    for (const s of data.churnkey.sessions)
      yield { type: 'churnkey.session', data: toSessionJson(s, data.churnkey.flows.org) };
  },
  counts: (data: SeededData) => ({ 'churnkey sessions': data.churnkey.sessions.length }),
});
