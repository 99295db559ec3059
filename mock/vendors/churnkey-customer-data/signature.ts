import { hmacHex, safeEqual } from '../../core/crypto.ts';

/**
 * The Customer Data Endpoint signature (Churnkey docs, Customer Data Endpoint: What Churnkey
 * sends to your endpoint): hex HMAC-SHA256 of the customer id, keyed with the Churnkey API key.
 * The hosted page's `authHash` is the same construction (docs/decisions/006).
 */
export function signCustomerId(customerId: string, apiKey: string): string {
  return hmacHex(apiKey, customerId);
}

/**
 * Whether `signature` is the signature of `customerId` under `apiKey`, compared in constant
 * time. Never throws: a non-string or a signature of another length is simply false (the
 * docs' own snippet calls `timingSafeEqual` unguarded, which throws on a length mismatch).
 */
export function verifySignature(customerId: unknown, signature: unknown, apiKey: string): boolean {
  if (typeof customerId !== 'string' || typeof signature !== 'string') return false;
  return safeEqual(signature, signCustomerId(customerId, apiKey));
}
