/** Pact's `params` of a state (`given(state, params)`). */
export type StateParams = Readonly<Record<string, unknown>>;

/** What a state generated, for the pact's `fromProviderState` expressions (`${customerId}`). */
export type StateValues = Readonly<Record<string, string | number | boolean>>;

/** Where the request that set the state up came from: URLs the state hands out point there. */
export interface StateContext {
  readonly baseUrl: string;
}

/** The JSON type of a param a state reads. */
export type StateParamType = 'string' | 'number' | 'boolean';

/**
 * A provider state: one named situation set up on freshly reset stores ("clear + seed"),
 * answering the ids it chose or created. Setting it up is transactional: everything that can
 * refuse it runs before the reset, so a refused state changes nothing.
 *
 *  1. `params`: the params it reads, by name and JSON type; any other, or another type, is
 *     refused (`checkParams`) before anything else runs.
 *  2. `check`: reads only what a reset restores (the seeded data, the clock's start), never the
 *     stores' current state, and changes nothing. Returns the state's values, or throws a
 *     ProviderStateError when the seeded data cannot provide it with these params.
 *  3. The stores are reset.
 *  4. `setUp` (only for a state that is more than the seed, e.g. a flow started): writes it
 *     into the reset stores and returns its values (`checked` and more). It must not fail once
 *     `check` passed; if it does, that is a bug in the state, not a refusal.
 */
export interface ProviderState {
  readonly params?: Readonly<Record<string, StateParamType>>;
  readonly check: (params: StateParams, context: StateContext) => StateValues;
  readonly setUp?: (checked: StateValues, context: StateContext) => StateValues;
}

/** One vendor's states, by the exact name consumers use in their pacts. */
export type StateTable = Readonly<Record<string, ProviderState>>;

/** The named situation cannot be set up (unknown name, bad params, or the data does not allow it). */
export class ProviderStateError extends Error {
  override name = 'ProviderStateError';
}

/** Refuses params the state does not read, or of another JSON type (a ProviderStateError). */
export function checkParams(name: string, state: ProviderState, params: StateParams): void {
  const types = state.params ?? {};
  const takes = Object.entries(types).map(([p, type]) => `"${p}" (${type})`);
  for (const [param, value] of Object.entries(params)) {
    const type = Object.hasOwn(types, param) ? types[param] : undefined;
    if (type === undefined)
      throw new ProviderStateError(
        `Provider state "${name}" ${takes.length ? `takes the params ${takes.join(', ')}` : 'takes no params'}, not "${param}"`,
      );
    if (typeof value !== type)
      throw new ProviderStateError(
        `Param "${param}" of provider state "${name}" must be a ${type}, got ${JSON.stringify(value)}`,
      );
  }
}
