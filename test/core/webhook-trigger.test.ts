import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../mock/core/vendor.ts';
import { deepMerge, triggerTable, webhookEventsOf } from '../../mock/core/webhooks/trigger.ts';
import { REGISTRY } from '../../mock/registry.ts';

const none: Trigger = () => ({ refused: 404, message: 'no' });

describe('deepMerge (the `data` of a trigger)', () => {
  it('merges objects key by key; anything else replaces; null sets null; new keys are added', () => {
    const base = {
      id: 'cus_1',
      offer: { type: 'discount', value: 50, duration_months: 3 },
      tags: ['a', 'b'],
      nested: { deep: { x: 1, y: 2 } },
    };
    const merged = deepMerge(base, {
      offer: { value: 25 },
      tags: ['c'],
      nested: { deep: { y: null, z: 3 } },
      added: { k: true },
    });
    expect(merged).toEqual({
      id: 'cus_1',
      offer: { type: 'discount', value: 25, duration_months: 3 },
      tags: ['c'],
      nested: { deep: { x: 1, y: null, z: 3 } },
      added: { k: true },
    });
    expect(deepMerge(base, { offer: null }).offer).toBeNull();
    expect(deepMerge(base, { id: { now: 'an object' } }).id).toEqual({ now: 'an object' });
    // Neither input is changed.
    expect(base.offer).toEqual({ type: 'discount', value: 50, duration_months: 3 });
    expect(deepMerge(base, undefined)).toBe(base);
  });

  it('takes a __proto__ key as a key, never as the prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"b": 1}}}');
    const merged = deepMerge({ a: {} }, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(merged)).toBe(
      '{"a":{"__proto__":{"b":1}},"__proto__":{"polluted":true}}',
    );
  });
});

describe('triggerTable', () => {
  it('merges every vendor triggers in the registry order, with each vendor id', () => {
    const table = triggerTable([
      {
        definition: { id: 'one', webhookEvents: [{ event: 'a.b', summary: 'A' }] },
        instance: { triggers: { 'a.b': none } },
      },
      { definition: { id: 'quiet' }, instance: {} },
      {
        definition: {
          id: 'two',
          webhookEvents: [
            { event: 'c', summary: 'C' },
            { event: 'd', summary: 'D' },
          ],
        },
        instance: { triggers: { d: none, c: none } },
      },
    ]);
    expect([...table.values()].map((e) => [e.event, e.vendor, e.summary])).toEqual([
      ['a.b', 'one', 'A'],
      ['c', 'two', 'C'],
      ['d', 'two', 'D'],
    ]);
  });

  it('refuses triggers that are not the declared events, and an event two vendors declare', () => {
    expect(() =>
      triggerTable([
        {
          definition: { id: 'one', webhookEvents: [{ event: 'a', summary: 'A' }] },
          instance: { triggers: { a: none, b: none } },
        },
      ]),
    ).toThrow('Vendor "one" declares the webhook events [a] but its triggers are [a, b]');
    expect(() =>
      triggerTable([
        { definition: { id: 'one', webhookEvents: [{ event: 'a', summary: 'A' }] }, instance: {} },
      ]),
    ).toThrow(/declares the webhook events \[a\] but its triggers are \[\]/);
    const a = {
      definition: { id: 'one', webhookEvents: [{ event: 'a', summary: 'A' }] },
      instance: { triggers: { a: none } },
    };
    expect(() => triggerTable([a, { ...a, definition: { ...a.definition, id: 'two' } }])).toThrow(
      'Webhook event "a" is declared by both "one" and "two"',
    );
  });

  it("the registry's vendors declare ChurnCut's four events and Churnkey's session", () => {
    expect(webhookEventsOf(REGISTRY.vendors).map((e) => `${e.vendor} ${e.event}`)).toEqual([
      'churnkey-hosted-flow session',
      'churncut cancellation.started',
      'churncut cancellation.retained',
      'churncut cancellation.completed',
      'churncut offer.accepted',
    ]);
  });
});
