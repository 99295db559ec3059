import { describe, expect, it } from 'vitest';
import { providerStates, setUpState } from '../../mock/admin/states.ts';
import { ProviderStateError, type StateTable } from '../../mock/core/provider-state.ts';

// setUpState is transactional: the name, the params and the state's check run before the
// reset, and a refusal there is a ProviderStateError (the admin API's 400) with no reset.

const CONTEXT = { baseUrl: 'http://127.0.0.1:4010' };

/** A table of test states, and a count of the resets setUpState asked for. */
function fixture(states: StateTable) {
  const resets = { count: 0 };
  const { table } = providerStates([{ api: 'Test API', states }]);
  const run = (name: string, params: Record<string, unknown> = {}) =>
    setUpState(table, () => resets.count++, name, params, CONTEXT);
  return { resets, run };
}

describe('setUpState', () => {
  it('an unknown name, Object.prototype names included, is refused without a reset', () => {
    const { resets, run } = fixture({ 'a customer exists': { check: () => ({ id: 'c1' }) } });
    for (const name of ['nope', 'constructor', 'hasOwnProperty', '__proto__', 'toString']) {
      expect(() => run(name)).toThrow(ProviderStateError);
      expect(() => run(name)).toThrow(`Unknown provider state "${name}"`);
    }
    expect(resets.count).toBe(0);
  });

  it('params it does not take, or of another type, are refused without a reset', () => {
    const { resets, run } = fixture({
      'no customer': { params: { customerId: 'string' }, check: () => ({}) },
    });
    expect(() => run('no customer', { customerId: 7 })).toThrow(
      'Param "customerId" of provider state "no customer" must be a string, got 7',
    );
    expect(() => run('no customer', { flowId: 'x' })).toThrow(
      'Provider state "no customer" takes the params "customerId" (string), not "flowId"',
    );
    expect(resets.count).toBe(0);
    expect(run('no customer', { customerId: 'cus_x' })).toEqual({});
    expect(resets.count).toBe(1);
  });

  it('a check that refuses runs before the reset: no reset, no setUp', () => {
    let setUps = 0;
    const { resets, run } = fixture({
      'a pony': {
        check: () => {
          throw new ProviderStateError('The seeded data has no pony');
        },
        setUp: () => {
          setUps++;
          return {};
        },
      },
    });
    expect(() => run('a pony')).toThrow(new ProviderStateError('The seeded data has no pony'));
    expect(resets.count).toBe(0);
    expect(setUps).toBe(0);
  });

  it('check, then the reset, then setUp with what check found', () => {
    const order: string[] = [];
    const table = providerStates([
      {
        api: 'Test API',
        states: {
          'a flow': {
            check: () => {
              order.push('check');
              return { customerId: 'c1' };
            },
            setUp: (checked) => {
              order.push('setUp');
              return { ...checked, flowId: 'f1' };
            },
          },
        },
      },
    ]).table;
    const values = setUpState(table, () => order.push('reset'), 'a flow', {}, CONTEXT);
    expect(values).toEqual({ customerId: 'c1', flowId: 'f1' });
    expect(order).toEqual(['check', 'reset', 'setUp']);
  });

  it('a setUp that throws after its check passed is a bug (a plain Error, the 500), not a refusal', () => {
    const { run } = fixture({
      'a flow': {
        check: () => ({}),
        setUp: () => {
          throw new ProviderStateError('Could not start a flow');
        },
      },
    });
    let error: unknown;
    try {
      run('a flow');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ProviderStateError);
    expect((error as Error).message).toBe(
      'Provider state "a flow" failed after the reset although its check passed: Could not start a flow',
    );
  });

  it('a name defined by two APIs is an error at start-up', () => {
    const state = { check: () => ({}) };
    expect(() =>
      providerStates([
        { api: 'A', states: { same: state } },
        { api: 'B', states: { same: state } },
      ]),
    ).toThrow('Provider state "same" is defined twice');
  });
});
