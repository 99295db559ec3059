import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of the raw body: exactly what seed 001's `verifyWebhook` recomputes. */
export function signBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}
