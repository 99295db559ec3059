import { base, en, Faker, generateMersenne53Randomizer } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { alphanumeric, deriveSeed, hex, mersenne53, Rng } from '../../generators/random.ts';

/**
 * The generators draw from pure-rand's Mersenne Twister and faker's English locale alone (faker's
 * package index loads every locale). The data must stay what faker's own randomizer and locale
 * list would give: the same seed, the same bytes as before the change.
 */
const SEEDS = [0, 1, 2, 42, 4096, 2 ** 30, 2 ** 31 - 1, deriveSeed(42, 'churnkey-data')];

describe('the generators’ random stream', () => {
  it('is the stream of faker’s default randomizer, seed for seed', () => {
    for (const seed of SEEDS) {
      const ours = mersenne53(seed);
      const fakers = generateMersenne53Randomizer(seed);
      // Past 624 draws too: the twister's state is regenerated every 624 32-bit outputs.
      const a = Array.from({ length: 2000 }, () => ours());
      const b = Array.from({ length: 2000 }, () => fakers.next());
      expect(a).toEqual(b);
    }
  });

  it('differs between seeds', () => {
    const a = mersenne53(1);
    const b = mersenne53(2);
    expect(Array.from({ length: 8 }, () => a())).not.toEqual(Array.from({ length: 8 }, () => b()));
  });

  it('gives an Rng’s faker the English definitions faker’s index has, drawing from the Rng', () => {
    const r = new Rng(7);
    const theirs = new Faker({ locale: [en, base], randomizer: generateMersenne53Randomizer(7) });
    expect(r.faker.definitions.person.first_name).toEqual(theirs.definitions.person.first_name);
    expect(r.faker.definitions.internet.free_email).toEqual(theirs.definitions.internet.free_email);
    // faker's own methods draw from the same stream as the Rng's.
    expect(r.faker.person.firstName()).toBe(theirs.person.firstName());
    expect(r.int(0, 1_000_000)).toBe(theirs.number.int({ min: 0, max: 1_000_000 }));
  });

  it('refuses to be seeded again through its faker', () => {
    const r = new Rng(3);
    expect(() => r.faker.seed(4)).toThrow(/seeded once/);
  });
});

/**
 * Ids are the base-62 (or hex) digits of the stream's draws, lowest first, eight (hex: eight of
 * a 32-bit draw) per draw: checked against the digits worked out with BigInt, for lengths that
 * end mid-draw and on a draw's boundary, with and without a prefix.
 */
describe('ids drawn from the stream', () => {
  const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const digits = (
    next: () => number,
    length: number,
    perDraw: number,
    base: number,
    set: string,
  ) => {
    let out = '';
    while (out.length < length) {
      let n = BigInt(next());
      for (let k = 0; k < perDraw && out.length < length; k++) {
        out += set[Number(n % BigInt(base))];
        n /= BigInt(base);
      }
    }
    return out;
  };

  it('are the base-62 digits of 0..62^8-1 draws', () => {
    for (const seed of SEEDS) {
      const r = new Rng(seed);
      const reference = new Rng(seed);
      for (const length of [0, 1, 4, 5, 8, 9, 14, 16, 22, 30]) {
        for (const prefix of ['', 'cus_', 'sub_1M']) {
          const draw = () => reference.int(0, 62 ** 8 - 1);
          expect(alphanumeric(r, length, prefix)).toBe(prefix + digits(draw, length, 8, 62, ALNUM));
        }
      }
    }
  });

  it('are the hex digits of 32-bit draws', () => {
    const r = new Rng(7);
    const reference = new Rng(7);
    for (const length of [0, 3, 8, 16, 24, 32]) {
      const draw = () => reference.int(0, 0xffffffff);
      expect(hex(r, length, '65f0a1b2')).toBe(
        `65f0a1b2${digits(draw, length, 8, 16, '0123456789abcdef')}`,
      );
    }
  });

  it('draw the largest value as eight z', () => {
    const top = { int: (min: number, max: number) => (min === 0 ? max : min) } as unknown as Rng;
    expect(alphanumeric(top, 8)).toBe('zzzzzzzz');
    expect(alphanumeric(top, 3, 'x')).toBe('xzzz');
  });
});
