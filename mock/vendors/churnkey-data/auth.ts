import type { IncomingHttpHeaders } from 'node:http';
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
    if (key !== creds.apiKey || app !== creds.appId)
      return unauthorized(MESSAGES.invalidCredentials);
    return null;
  };
}
