import { hmacHex } from '../crypto.ts';

/** Hex HMAC-SHA256 of the raw body: exactly what seed 001's `verifyWebhook` recomputes. */
export function signBody(rawBody: string, secret: string): string {
  return hmacHex(secret, rawBody);
}
