import {
  type ProviderState,
  ProviderStateError,
  type StateContext,
  type StateParams,
  type StateTable,
  type StateValues,
} from '../core/provider-state.ts';

/** Every provider state the mock knows, with the API each belongs to. */
export interface ProviderStates {
  readonly table: StateTable;
  readonly list: readonly { readonly name: string; readonly api: string }[];
}

/** Every vendor's provider states in one table (names are unique across vendors). */
export function providerStates(
  tables: readonly { readonly api: string; readonly states?: StateTable }[],
): ProviderStates {
  const table: Record<string, ProviderState> = {};
  const list: { name: string; api: string }[] = [];
  for (const { api, states } of tables)
    for (const [name, state] of Object.entries(states ?? {})) {
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
