import { createHash } from 'node:crypto';
import type { Faker, Randomizer } from '@faker-js/faker';
// Faker's English locale alone: its package index loads every locale (~250 ms at each start).
import { faker as english } from '@faker-js/faker/locale/en';
import { mersenne } from 'pure-rand/generator/mersenne';

/** Faker's class, from the English instance (the index that exports it loads every locale). */
const FakerClass = english.constructor as new (options: {
  locale: Faker['rawDefinitions'];
  randomizer: Randomizer;
}) => Faker;

/** 2^-53: a 53-bit integer as a float in [0, 1). */
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;

/**
 * The 53-bit floats faker's default randomizer (`generateMersenne53Randomizer`) draws: the same
 * Mersenne Twister (MT19937, seeded as `init_genrand`), two 32-bit outputs' high 27 and 26 bits
 * per float (`genrand_res53`). Seeds are integers in [0, 2^31). A test checks it against faker's.
 */
export function mersenne53(seed: number): () => number {
  const mt = mersenne(seed);
  return () => ((mt.next() >>> 5) * 67108864 + (mt.next() >>> 6)) * TWO_POW_MINUS_53;
}

/**
 * Seeded randomness for generators: faker (for locale data) plus fast draws straight from the
 * Mersenne Twister faker draws from, the same stream faker itself uses. faker.number.int costs
 * ~0.4 µs a call through its option objects; a million sessions need tens of millions of draws.
 */
export class Rng {
  readonly #next: () => number;
  #faker: Faker | null = null;

  constructor(readonly seed: number) {
    this.#next = mersenne53(seed);
  }

  /** An English faker drawing from this stream (made on first use: most generators need none). */
  get faker(): Faker {
    const next = this.#next;
    this.#faker ??= new FakerClass({
      locale: english.rawDefinitions,
      randomizer: {
        next,
        seed: () => {
          throw new Error('an Rng is seeded once, when it is made');
        },
      },
    });
    return this.#faker;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.#next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return this.#next() < p;
  }

  /** A uniform index into an array of `length` elements (`pick`'s draw). */
  index(length: number): number {
    return Math.floor(this.#next() * length);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.index(items.length)] as T;
  }

  /** `count` distinct elements (a partial Fisher–Yates over a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = this.int(i, copy.length - 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }
}

/** Weighted choice table, built once and drawn from many times. */
export class Weighted<T> {
  readonly #values: T[];
  readonly #cumulative: number[];
  readonly #total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.#values = entries.map(([v]) => v);
    let sum = 0;
    this.#cumulative = entries.map(([, w]) => (sum += w));
    this.#total = sum;
  }

  draw(rng: Rng): T {
    const x = rng.float() * this.#total;
    let i = 0;
    while (i < this.#cumulative.length - 1 && x >= (this.#cumulative[i] as number)) i++;
    return this.#values[i] as T;
  }
}

/** A stable 31-bit seed derived from a parent seed and a label, for independent sub-streams. */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256')
    .update([seed, ...parts].join(':'))
    .digest();
  return digest.readUInt32BE(0) & 0x7fffffff;
}

const ALNUM = Buffer.from(
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  'latin1',
);
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const CHUNK = 8; // 62^8 < 2^53, so one draw yields eight characters.
const CHUNK_MAX = 62 ** CHUNK - 1;
/** A draw's four low base-62 digits are its remainder by this, the four high ones its quotient. */
const HALF = 62 ** 4;
const scratch = Buffer.alloc(256);

/** Writes `prefix` at the start of `scratch` as latin1 (a loop: `write`'s checks cost more). */
function writePrefix(prefix: string): number {
  for (let k = 0; k < prefix.length; k++) scratch[k] = prefix.charCodeAt(k) & 255;
  return prefix.length;
}

/** Writes the base-62 digits of `n` (< 62^4), lowest first, at `i` until `end`; the next `i`. */
function base62(n: number, i: number, end: number): number {
  for (let k = 0; k < 4 && i < end; k++, i++) {
    const q = (n / 62) | 0;
    scratch[i] = ALNUM[n - q * 62] as number;
    n = q;
  }
  return i;
}

/**
 * `length` mixed-case alphanumerics (prefix + length ≤ 256), eight per draw, written into a buffer so the result
 * is one flat string: appending characters one by one leaves V8 cons-string chains that cost
 * hundreds of bytes per id across a million sessions. A draw's eight digits, lowest first, come
 * from its two halves in small-integer arithmetic (a double's `%` and division cost twice as
 * much).
 */
export function alphanumeric(r: Rng, length: number, prefix = ''): string {
  const end = writePrefix(prefix) + length;
  for (let i = end - length; i < end; ) {
    const n = r.int(0, CHUNK_MAX);
    const high = Math.floor(n / HALF);
    i = base62(high, base62(n - high * HALF, i, end), end);
  }
  return scratch.toString('latin1', 0, end);
}

/** `length` lowercase hex digits (prefix + length ≤ 256), eight per draw, as one flat string. */
export function hex(r: Rng, length: number, prefix = ''): string {
  const p = writePrefix(prefix);
  for (let i = p; i < p + length; ) {
    let n = r.int(0, 0xffffffff);
    for (let k = 0; k < 8 && i < p + length; k++, i++) {
      scratch[i] = HEX[n & 15] as number;
      n >>>= 4;
    }
  }
  return scratch.toString('latin1', 0, p + length);
}

/** A flat copy of an ASCII string built by concatenation (see `alphanumeric`). */
export function flatAscii(s: string): string {
  const n = scratch.write(s, 0, 'latin1');
  return scratch.toString('latin1', 0, n);
}

/** Stripe-style id: `prefix` + `length` alphanumerics. */
export function stripeId(r: Rng, prefix: string, length = 14): string {
  return alphanumeric(r, length, prefix);
}

/** MongoDB ObjectId-like id: 8 hex digits of the timestamp, then 16 random hex digits. */
export function objectId(r: Rng, atMs: number): string {
  const bytes = Buffer.allocUnsafe(12);
  objectIdBytes(r, atMs, bytes);
  return bytes.toString('hex');
}

/**
 * An ObjectId-like id (`objectId`'s) as its 12 bytes, written into `out` at `at`: the time's
 * 4 bytes, then two draws' 8 (each draw's nibbles lowest first, as hex digits were once
 * written from it). No text is made: a million sessions' ids were formatted as text only to
 * be parsed back into bytes. Throws for a time outside 1970–2106 (not 8 hex digits).
 */
export function objectIdBytes(r: Rng, atMs: number, out: Uint8Array, at = 0): void {
  const seconds = Math.floor(atMs / 1000);
  if (!(seconds >= 0 && seconds <= 0xffffffff))
    throw new Error(`an ObjectId's time holds 8 hex digits: ${seconds.toString(16)}`);
  out[at] = seconds >>> 24;
  out[at + 1] = (seconds >>> 16) & 255;
  out[at + 2] = (seconds >>> 8) & 255;
  out[at + 3] = seconds & 255;
  // A draw's nibbles lowest first, two digits a byte: each byte's nibbles swapped.
  for (let w = 0; w < 2; w++) {
    const n = r.int(0, 0xffffffff);
    for (let k = 0; k < 4; k++) {
      const b = (n >>> (8 * k)) & 255;
      out[at + 4 + 4 * w + k] = ((b & 15) << 4) | (b >>> 4);
    }
  }
}

/** A v4-shaped UUID (version 4, variant `a`) over 32 hex digits. */
export function uuidOfHex(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A v4-shaped UUID from faker's stream. */
export function uuid(r: Rng): string {
  return uuidOfHex(hex(r, 32));
}

/** A flat copy of any string built by concatenation (UTF-8 round trip; for rare values). */
export const flat = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** A 32-bit FNV-1a hash of a string: the seed of a `keyedStream`. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A small seeded stream (mulberry32) for values derived when a record is read: far cheaper
 * to build per record than faker's Mersenne Twister, and it leaves the generator's own
 * stream untouched. `lane` picks one of several independent streams of the same key.
 */
export function keyedStream(hash: number, lane = 0): () => number {
  let a = (hash ^ Math.imul(lane + 1, 0x9e3779b9)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
