/** A Pact state handler: sets a state up, answering values for `fromProviderState`. */
type StateHandler = (params?: unknown) => Promise<Record<string, unknown> | undefined>;

/**
 * State handlers for Pact's verifier, one per state name the pacts use, each forwarding its
 * state to a state-change URL as `POST {state, params, action: "setup"}` and handing the JSON
 * answer back to Pact. Pact's proxy only logs a failing handler and carries on; each failure
 * is recorded in `errors` so that the run fails, naming the state and the answer.
 *
 * A plain object on purpose: Pact serialises its options (a Proxy that answers any name
 * would be asked for `toJSON`).
 */
export function stateUrlHandlers(
  stateUrl: string,
  states: readonly string[],
  errors: string[],
): Record<string, StateHandler> {
  const setUp =
    (state: string): StateHandler =>
    async (params) => {
      let answer: Response;
      try {
        answer = await fetch(stateUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ state, params: params ?? {}, action: 'setup' }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (e) {
        errors.push(`"${state}": ${stateUrl} did not answer (${(e as Error).message})`);
        throw e;
      }
      const text = await answer.text();
      if (!answer.ok) {
        errors.push(`"${state}": ${stateUrl} answered ${answer.status} ${text.slice(0, 300)}`);
        throw new Error(`state change answered ${answer.status}`);
      }
      return text.trim() ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    };
  // The verifier asks for "" before an interaction without a state: nothing to set up.
  const handlers: Record<string, StateHandler> = { '': async () => undefined };
  for (const state of states) handlers[state] = setUp(state);
  return handlers;
}
