import { describe, expect, it } from 'vitest';
import { StubStore } from '../../../mock/core/control/stubs.ts';
import { MockClock } from '../../../mock/core/time/clock.ts';

const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('stub mappings and scenarios persist', () => {
  it('replayed writes and an imported export give the same mappings, order and scenario states', () => {
    const store = new StubStore();
    const journal: { kind: string; data: unknown }[] = [];
    store.persistTo((kind, data) => journal.push({ kind, data: viaJson(data) }));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const m = store.add({
        request: { method: 'GET', urlPath: `/v1/customers/${i}` },
        response: { status: 200 + (i % 3) },
        priority: 1 + (i % 4),
        ...(i % 3 === 0
          ? {
              scenarioName: `s${i % 2}`,
              requiredScenarioState: 'Started',
              newScenarioState: 'next',
            }
          : {}),
      });
      ids.push(m.id);
    }
    store.remove(ids[2] as string);
    store.update(ids[5] as string, {
      request: { method: 'POST', urlPath: '/x' },
      response: { status: 503 },
    });
    store.add({ id: ids[1], request: { method: 'ANY' }, response: { status: 418 } }); // replaces, newest
    store.setScenarioState('s0', 'next');
    store.resetScenarios();
    store.setScenarioState('s1', 'next');
    const replayed = new StubStore();
    for (const j of journal) replayed.apply(j.kind, j.data);
    const imported = new StubStore();
    imported.importState(viaJson(store.exportState()));
    for (const other of [replayed, imported]) {
      expect(other.list()).toEqual(store.list());
      expect(other.scenarios()).toEqual(store.scenarios());
    }
    expect(store.scenarios().find((s) => s.name === 's1')?.state).toBe('next');
    // Replaying does not journal again.
    expect(journal.length).toBe(12 + 6);
  });
});

describe('the mock clock persists', () => {
  it('every move is a set; replayed or imported, the clock is where it was', () => {
    const clock = new MockClock(Date.parse('2025-12-31T00:00:00Z'));
    const journal: { kind: string; data: unknown }[] = [];
    clock.persistTo((kind, data) => journal.push({ kind, data }));
    clock.advance('P3D');
    clock.set(Date.parse('2026-02-01T10:00:00Z'));
    clock.advance('-PT1H');
    const replayed = new MockClock(Date.parse('2025-12-31T00:00:00Z'));
    for (const j of journal) replayed.apply(j.kind, j.data);
    const imported = new MockClock(Date.parse('2025-12-31T00:00:00Z'));
    imported.importState(viaJson(clock.exportState()));
    expect(replayed.now()).toBe(Date.parse('2026-02-01T09:00:00Z'));
    expect(imported.now()).toBe(replayed.now());
    expect(journal).toHaveLength(3);
  });
});
