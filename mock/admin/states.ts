import {
  checkParams,
  type ProviderState,
  ProviderStateError,
  type StateContext,
  type StateParams,
  type StateTable,
  type StateValues,
} from '../core/provider-state.ts';

/** Every provider state the mock knows, with the API each belongs to. */
export interface ProviderStates {
  /** By exact name (a Map: `constructor` or `__proto__` is no state). */
  readonly table: ReadonlyMap<string, ProviderState>;
  readonly list: readonly { readonly name: string; readonly api: string }[];
}

/** Every vendor's provider states in one table (names are unique across vendors). */
export function providerStates(
  tables: readonly { readonly api: string; readonly states?: StateTable }[],
): ProviderStates {
  const table = new Map<string, ProviderState>();
  const list: { name: string; api: string }[] = [];
  for (const { api, states } of tables)
    for (const [name, state] of Object.entries(states ?? {})) {
      if (table.has(name)) throw new Error(`Provider state "${name}" is defined twice`);
      table.set(name, state);
      list.push({ name, api });
    }
  return { table, list };
}

/**
 * Clear + seed, transactionally: the name, the params and the state's check on the seeded
 * data come first, and any of them refusing (a ProviderStateError) changes nothing; only then
 * every store is reset and the state set up. Returns its values.
 */
export function setUpState(
  states: ReadonlyMap<string, ProviderState>,
  reset: () => void,
  name: string,
  params: StateParams,
  context: StateContext,
): StateValues {
  const state = states.get(name);
  if (!state)
    throw new ProviderStateError(
      `Unknown provider state "${name}"; GET /__admin/states lists the known ones`,
    );
  checkParams(name, state, params);
  const checked = state.check(params, context);
  reset();
  if (!state.setUp) return checked;
  try {
    return state.setUp(checked, context);
  } catch (e) {
    // Not a refusal: the check passed, so the state is wrong about what the seed provides.
    throw new Error(
      `Provider state "${name}" failed after the reset although its check passed: ${(e as Error).message}`,
    );
  }
}
