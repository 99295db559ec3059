import { hmacHex } from '../crypto.ts';

/** Hex HMAC-SHA256 of the raw body, as checked by `verifyWebhook` (ChurnCut API docs, Webhooks). */
export function signBody(rawBody: string, secret: string): string {
  return hmacHex(secret, rawBody);
}
