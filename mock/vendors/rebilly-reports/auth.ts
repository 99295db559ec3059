import type { IncomingHttpHeaders } from 'node:http';
import { AcceptedValues, safeEqual } from '../../core/crypto.ts';
import type { HandlerResult } from '../../core/pipeline/types.ts';
import { forbidden, MESSAGES, unauthorized } from './errors.ts';
import type { RebillyCredentials } from './options.ts';

/** The permission the report needs: Rebilly names permissions after operations. */
export const REPORT_PERMISSION = 'GetSubscriptionCancellationReport';

/** Claims of the demo token: fixed, so the token is the same bytes on every machine. */
export const DEMO_CLAIMS = {
  sub: 'usr_churnmock_demo',
  iat: Date.UTC(2025, 0, 1) / 1000,
  exp: Date.UTC(2100, 0, 1) / 1000,
} as const;

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** jose, loaded on the first token: a start that sees no JWT does not pay for it. */
let jose: Promise<typeof import('jose')> | null = null;
const loadJose = (): Promise<typeof import('jose')> => {
  jose ??= import('jose');
  return jose;
};

/**
 * Signs an HS256 JWT with `secret`. With `expiresIn` (jose's spans: "1h", "30 min", "-1h" for
 * an expired token) `iat` is now and `exp` is now plus the span; throws on a bad span.
 */
export async function mintToken(
  secret: string,
  claims: Record<string, unknown>,
  expiresIn?: string,
): Promise<string> {
  const { SignJWT } = await loadJose();
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  if (expiresIn !== undefined) jwt.setIssuedAt().setExpirationTime(expiresIn);
  return jwt.sign(key(secret));
}

/** The long-lived demo token for `secret` (valid until 2100-01-01). */
export const demoToken = (secret: string): Promise<string> => mintToken(secret, DEMO_CLAIMS);

function jwtFailure(errors: typeof import('jose').errors, e: unknown): string {
  if (e instanceof errors.JWTExpired) return MESSAGES.auth.expired;
  if (e instanceof errors.JWSSignatureVerificationFailed) return MESSAGES.auth.signature;
  if (e instanceof errors.JOSEAlgNotAllowed) return MESSAGES.auth.algorithm;
  if (e instanceof errors.JWTClaimValidationFailed) return MESSAGES.auth.claims(e.message);
  return MESSAGES.auth.malformed;
}

function permitted(permissions: unknown): boolean | null {
  if (permissions === undefined) return true;
  if (!Array.isArray(permissions)) return null;
  return permissions.includes(REPORT_PERMISSION) || permissions.includes('*');
}

/**
 * Rebilly's two schemes (Rebilly API reference, Security: "SecretApiKey or JWT"). A REB-APIKEY
 * header is checked when present, otherwise `Authorization: Bearer`. A JWT must be HS256 with
 * the configured secret and carry `exp` (checked against the wall clock, as the token's issuer
 * sets it); a `permissions` claim, when present, must list GetSubscriptionCancellationReport or
 * `*`.
 */
export function rebillyAuthenticator(
  creds: RebillyCredentials,
): (headers: IncomingHttpHeaders) => HandlerResult | null | Promise<HandlerResult | null> {
  const secret = key(creds.jwtSecret);
  const accepted = new AcceptedValues();
  return (headers) => {
    const apiKey = headers['reb-apikey'];
    if (apiKey !== undefined) {
      const given = String(apiKey);
      if (accepted.has(given)) return null;
      if (safeEqual(given, creds.apiKey)) {
        accepted.add(given);
        return null;
      }
      if (safeEqual(given, creds.restrictedApiKey)) return forbidden(MESSAGES.auth.noPermission);
      return unauthorized(MESSAGES.auth.unknownKey);
    }
    const authorization = headers.authorization;
    if (authorization === undefined) return unauthorized(MESSAGES.auth.missing);
    const bearer = /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!bearer?.[1]) return unauthorized(MESSAGES.auth.notBearer);
    const token = bearer[1];
    return loadJose().then(({ jwtVerify, errors }) =>
      jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp'] }).then(
        ({ payload }) => {
          const ok = permitted(payload.permissions);
          if (ok === null) return unauthorized(MESSAGES.auth.claims('permissions must be a list'));
          return ok ? null : forbidden(MESSAGES.auth.noPermission);
        },
        (e: unknown) => unauthorized(jwtFailure(errors, e)),
      ),
    );
  };
}
