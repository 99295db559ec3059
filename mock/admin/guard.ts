import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { safeEqual } from '../core/crypto.ts';
import type { HandlerResult } from '../core/pipeline/types.ts';

/** The header an admin token is sent in (or `Authorization: Bearer <token>`). */
export const ADMIN_TOKEN_HEADER = 'x-churnmock-admin-token';

/**
 * The host name of a `Host` header or a `--host`: its port and an IPv6 literal's brackets
 * removed (a bare IPv6 address, as `--host ::1` gives it, is kept whole).
 */
export function hostnameOf(host: string): string {
  if (isIP(host) !== 0) return host.toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (bracketed) return (bracketed[1] ?? '').toLowerCase();
  return host.replace(/:\d*$/, '').toLowerCase();
}

/** Whether a name or address only this machine reaches: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const name = hostnameOf(host);
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    (isIP(name) === 4 && name.startsWith('127.'))
  );
}

const refused = (status: 401 | 403, message: string): HandlerResult => ({
  status,
  body: { message },
});

/**
 * Who may call the admin API (reset, clock, webhooks, states): what a web page the developer
 * opens must not do. Checked before anything else of every admin call:
 * - a call with an `Origin` other than the mock's own (another site's page, `null`) is a 403:
 *   a browser sends a "simple" cross-origin POST without asking first, so CORS alone would
 *   not stop it (curl, test code and Pact send no `Origin`);
 * - with an admin token set, the call must carry it (`X-Churnmock-Admin-Token` or
 *   `Authorization: Bearer`), else 401;
 * - without one, the `Host` must be an IP address or localhost, else 403: a page on a name
 *   the attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name as `Host`.
 */
export function adminAuthenticator(token: string | null, { assets = false } = {}) {
  return (headers: IncomingHttpHeaders): HandlerResult | null => {
    const host = headers.host ?? '';
    const origin = headers.origin;
    if (origin !== undefined) {
      let own = false;
      try {
        const url = new URL(origin);
        own = (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
      } catch {
        own = false;
      }
      if (!own)
        return refused(
          403,
          `Calls to the admin API from another origin are refused (Origin: ${origin})`,
        );
    }
    // The dashboard's static files (`assets`) hold no state and no secret: a browser opening
    // the page cannot send a header, so they skip the token (every call the page makes needs it).
    if (token !== null && assets) return null;
    if (token !== null) {
      const bearer = /^Bearer (\S+)$/i.exec(headers.authorization ?? '')?.[1];
      const given = headers[ADMIN_TOKEN_HEADER] ?? bearer;
      if (typeof given !== 'string' || !safeEqual(given, token))
        return refused(
          401,
          'The admin API needs the admin token: send it as X-Churnmock-Admin-Token or Authorization: Bearer',
        );
      return null;
    }
    const name = hostnameOf(host);
    if (!(isIP(name) !== 0 || isLoopback(host)))
      return refused(
        403,
        `Host "${host}" is not allowed for the admin API (DNS rebinding protection): call it by IP address or localhost, or set an admin token (--admin-token)`,
      );
    return null;
  };
}
