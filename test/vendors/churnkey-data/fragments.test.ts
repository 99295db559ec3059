import { describe, expect, it } from 'vitest';
import { generateChurnkeyData } from '../../../generators/churnkey-data.ts';
import { Rng } from '../../../generators/random.ts';
import { generateWorld } from '../../../generators/world.ts';
import {
  SessionFragments,
  toSessionJson,
} from '../../../mock/vendors/churnkey-data/materialize.ts';
import { ChurnkeyDataStore } from '../../../mock/vendors/churnkey-data/store.ts';

const AS_OF = Date.parse('2025-12-31T00:00:00Z');
const world = generateWorld({ seed: 9, asOf: AS_OF, scale: 0.2 });
const store = new ChurnkeyDataStore(world, generateChurnkeyData(world));
const all = [...store.sessions(AS_OF)];

describe('session JSON fragments', () => {
  it('a page of fragments is byte for byte JSON.stringify of the page, at any cache size', () => {
    const r = new Rng(4);
    // A cache far too small to hold a page: fragments are evicted and made again.
    for (const maxBytes of [128 * 1024 * 1024, 4096]) {
      const fragments = new SessionFragments(store.org, maxBytes);
      for (let k = 0; k < 40; k++) {
        const from = r.int(0, all.length - 1);
        const page = all.slice(from, from + r.int(0, 120));
        const want = JSON.stringify(page.map((s) => toSessionJson(s, store.org)));
        expect(fragments.list(page).text()).toBe(want);
      }
    }
  });
});
