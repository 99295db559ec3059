import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * Hex HMAC-SHA256 of `data` keyed with `secret`: the one construction behind every signature
 * the mock makes or checks (webhook bodies, the Customer Data Endpoint, the hosted page's
 * authHash).
 */
export function hmacHex(secret: string, data: string | Uint8Array): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/**
 * Whether two strings are equal, compared in constant time: the one comparison of every
 * credential and signature (API keys, app ids, HMACs). Both sides are hashed first (SHA-256 of
 * their UTF-8 bytes), so neither the position of the first difference nor the length of the
 * expected value shows in the time taken; never throws.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digestOf(a), digestOf(b));
}

/** How many strings' digests are kept (configured credentials and the few values presented). */
const DIGESTS = 64;
const digests = new Map<string, Buffer>();

/**
 * A string's SHA-256, remembered for the few strings seen most (hashing both sides cost a
 * cached answer a tenth of its time). Whether a value was seen before is all the lookup's
 * time can tell, never how close it is to a credential.
 */
function digestOf(s: string): Buffer {
  let d = digests.get(s);
  if (d === undefined) {
    d = hash('sha256', s, 'buffer');
    if (digests.size >= DIGESTS) digests.delete(digests.keys().next().value as string);
    digests.set(s, d);
  }
  return d;
}

/** Values an `AcceptedValues` remembers, at most (then it forgets them all at once). */
const ACCEPTED_VALUES = 64;

/**
 * Credential values a check has accepted, by their exact text: a value accepted once is
 * accepted again with one lookup instead of its parsing and two digests (~1 µs of a cached
 * answer). Only accepted values are kept, and only for credentials that never change; like
 * `digestOf`'s, the lookup's time tells whether this exact value was accepted before, never
 * how close another is to it.
 */
export class AcceptedValues {
  readonly #values = new Set<string>();

  has(value: string): boolean {
    return this.#values.has(value);
  }

  add(value: string): void {
    if (this.#values.size >= ACCEPTED_VALUES) this.#values.clear();
    this.#values.add(value);
  }
}
