import type { IncomingHttpHeaders } from 'node:http';
import { safeEqual } from '../../core/crypto.ts';
import type { HandlerResult } from '../../core/pipeline/types.ts';
import { MESSAGES, unauthorized } from './errors.ts';
import type { ChurnkeyCredentials } from './options.ts';

/**
 * The Data API's credentials: both headers, `x-ck-api-key` and `x-ck-app` (Churnkey Data API
 * docs, Authorization); a missing one is named, a wrong pair is one message.
 */
export function churnkeyAuthenticator(creds: ChurnkeyCredentials) {
  return (headers: IncomingHttpHeaders): HandlerResult | null => {
    const key = headers['x-ck-api-key'];
    const app = headers['x-ck-app'];
    if (!key) return unauthorized(MESSAGES.missingHeader('x-ck-api-key'));
    if (!app) return unauthorized(MESSAGES.missingHeader('x-ck-app'));
    // Both compared, whichever is wrong: the time says nothing of which.
    const keyOk = safeEqual(String(key), creds.apiKey);
    const appOk = safeEqual(String(app), creds.appId);
    if (!keyOk || !appOk) return unauthorized(MESSAGES.invalidCredentials);
    return null;
  };
}
