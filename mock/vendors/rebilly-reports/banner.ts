import { demoToken } from './auth.ts';
import { DEFAULT_REBILLY_CREDENTIALS, type RebillyCredentials } from './options.ts';

/** The start-up lines for the Rebilly report: where it is and every way to authenticate. */
export async function rebillyBanner(
  base: string,
  creds: RebillyCredentials,
  canceled: number,
): Promise<string[]> {
  const secret =
    creds.jwtSecret === DEFAULT_REBILLY_CREDENTIALS.jwtSecret
      ? ''
      : ' --secret <your --rebilly-jwt-secret>';
  return [
    `  Rebilly Reports     ${base}/experimental/reports/subscription-cancellation   ${canceled} canceled subscriptions`,
    '                      also /organizations/{organizationId}/experimental/… and /reports/subscription-cancellation',
    `    header: REB-APIKEY: ${creds.apiKey}   (${creds.restrictedApiKey}: a valid key without the report permission, 403)`,
    `    or Authorization: Bearer <HS256 JWT signed with ${creds.jwtSecret}>; demo token, valid until 2100:`,
    `      ${await demoToken(creds.jwtSecret)}`,
    `    mint others with: churnmock jwt --expires-in 1h${secret}`,
  ];
}
