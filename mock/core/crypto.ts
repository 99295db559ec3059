import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hex HMAC-SHA256 of `data` keyed with `secret`: the one construction behind every signature
 * the mock makes or checks (webhook bodies, the Customer Data Endpoint, the hosted page's
 * authHash).
 */
export function hmacHex(secret: string, data: string | Uint8Array): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/**
 * Whether two strings are equal, compared in constant time (for their UTF-8 bytes). Never
 * throws: strings of different lengths are simply not equal (`timingSafeEqual` alone throws).
 */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
