import type { IncomingHttpHeaders } from 'node:http';
import { AcceptedValues, safeEqual } from '../../core/crypto.ts';
import type { HandlerResult } from '../../core/pipeline/types.ts';
import { ccError, MESSAGES } from './errors.ts';
import type { ChurnCutOptions } from './options.ts';

/** `Authorization: Bearer <key>`, as every example of the ChurnCut API docs sends it; in its envelope. */
export function churncutAuthenticator(options: Pick<ChurnCutOptions, 'apiKey'>) {
  const accepted = new AcceptedValues();
  return (headers: IncomingHttpHeaders): HandlerResult | null => {
    const given = headers.authorization ?? '';
    if (accepted.has(given)) return null;
    const match = /^Bearer (\S+)$/i.exec(given);
    if (!match) return ccError(401, 'unauthorized', MESSAGES.missingAuth);
    if (!safeEqual(match[1] ?? '', options.apiKey))
      return ccError(401, 'invalid_api_key', MESSAGES.invalidKey);
    accepted.add(given);
    return null;
  };
}
