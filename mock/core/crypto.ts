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
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}
