/** Pact's `params` of a state (`given(state, params)`). */
export type StateParams = Readonly<Record<string, unknown>>;

/** What a state generated, for the pact's `fromProviderState` expressions (`${customerId}`). */
export type StateValues = Readonly<Record<string, string | number | boolean>>;

/** Where the request that set the state up came from: URLs the state hands out point there. */
export interface StateContext {
  readonly baseUrl: string;
}

/**
 * A provider state: sets one named situation up on freshly reset stores ("clear + seed") and
 * returns the ids it chose or created. Throws when the seeded data cannot provide it.
 */
export type ProviderState = (params: StateParams, context: StateContext) => StateValues;

/** One vendor's states, by the exact name consumers use in their pacts. */
export type StateTable = Readonly<Record<string, ProviderState>>;

/** The named situation cannot be set up (unknown name, or the data does not allow it). */
export class ProviderStateError extends Error {
  override name = 'ProviderStateError';
}
