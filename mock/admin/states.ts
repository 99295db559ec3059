import {
  type ProviderState,
  ProviderStateError,
  type StateContext,
  type StateParams,
  type StateTable,
  type StateValues,
} from '../core/provider-state.ts';
import type { MockClock } from '../core/time/clock.ts';
import type { ChurnCut } from '../vendors/churncut/setup.ts';
import { churncutStates } from '../vendors/churncut/states.ts';
import { churnkeyDataStates } from '../vendors/churnkey-data/states.ts';
import type { ChurnkeyDataStore } from '../vendors/churnkey-data/store.ts';
import { rebillyReportsStates } from '../vendors/rebilly-reports/states.ts';
import type { RebillyReportsStore } from '../vendors/rebilly-reports/store.ts';

/** The stores a state may touch. */
export interface StateStores {
  readonly clock: MockClock;
  readonly churnkey: ChurnkeyDataStore;
  readonly churncut: ChurnCut;
  readonly rebilly: RebillyReportsStore;
}

/** Every provider state the mock knows, with the API each belongs to. */
export interface ProviderStates {
  readonly table: StateTable;
  readonly list: readonly { readonly name: string; readonly api: string }[];
}

/** Every vendor's provider states in one table (names are unique across vendors). */
export function providerStates(stores: StateStores): ProviderStates {
  const tables: [string, StateTable][] = [
    ['Churnkey Data API', churnkeyDataStates(stores.churnkey, stores.clock)],
    ['ChurnCut API', churncutStates(stores.churncut)],
    ['Rebilly Reports API', rebillyReportsStates(stores.rebilly, stores.clock)],
  ];
  const table: Record<string, ProviderState> = {};
  const list: { name: string; api: string }[] = [];
  for (const [api, states] of tables)
    for (const [name, state] of Object.entries(states)) {
      if (name in table) throw new Error(`Provider state "${name}" is defined twice`);
      table[name] = state;
      list.push({ name, api });
    }
  return { table, list };
}

/** Clear + seed: resets every store, then sets the named state up; returns its values. */
export function setUpState(
  states: StateTable,
  reset: () => void,
  name: string,
  params: StateParams,
  context: StateContext,
): StateValues {
  const state = states[name];
  if (!state)
    throw new ProviderStateError(
      `Unknown provider state "${name}"; GET /__admin/states lists the known ones`,
    );
  reset();
  return state(params, context);
}
