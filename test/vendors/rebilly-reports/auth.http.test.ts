import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { DEMO_CLAIMS, demoToken, mintToken } from '../../../mock/vendors/rebilly-reports/auth.ts';
import { DEFAULT_REBILLY_CREDENTIALS } from '../../../mock/vendors/rebilly-reports/options.ts';
import { customMock } from '../../helpers/mock.ts';
import { type PathForm, problem, RB_KEY, rbGet, YEAR_2025 } from './http.ts';

const SECRET = DEFAULT_REBILLY_CREDENTIALS.jwtSecret;
const FORMS: PathForm[] = ['experimental', 'organization', 'stable'];
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

let mock: Mock;
let DEMO: string;
beforeAll(async () => {
  mock = await customMock({});
  DEMO = await demoToken(SECRET);
});

describe('credentials that work, at every path', () => {
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['the demo API key', async () => RB_KEY],
    ['the demo JWT (valid until 2100)', async () => bearer(DEMO)],
    ['a fresh JWT', async () => bearer(await mintToken(SECRET, { sub: 'usr_1' }, '5m'))],
    ['"bearer" in lower case', async () => ({ Authorization: `bearer ${DEMO}` })],
    [
      'a JWT allowed the report',
      async () =>
        bearer(
          await mintToken(SECRET, { permissions: ['GetSubscriptionCancellationReport'] }, '5m'),
        ),
    ],
    [
      'a JWT allowed everything',
      async () => bearer(await mintToken(SECRET, { permissions: ['*'] }, '5m')),
    ],
    [
      'a valid key beside a forged JWT (the key is checked)',
      async () => ({ ...RB_KEY, ...bearer(await demoToken('other')) }),
    ],
  ];
  it.each(cases)('%s', async (_name, headers) => {
    for (const form of FORMS) {
      const res = await rbGet(mock, YEAR_2025, await headers(), form);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
    }
  });
});

const HS512 = () =>
  new SignJWT({ ...DEMO_CLAIMS })
    .setProtectedHeader({ alg: 'HS512' })
    .sign(new TextEncoder().encode(SECRET));
const UNSIGNED = () =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(DEMO_CLAIMS)).toString('base64url')}.`;

describe('401: missing, unknown, expired, forged or malformed', () => {
  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['no credentials', async () => ({}), /no REB-APIKEY header and no Authorization/],
    ['an unknown API key', async () => ({ 'REB-APIKEY': 'sk_live_guess' }), /not a configured key/],
    ['an empty API key', async () => ({ 'REB-APIKEY': '' }), /not a configured key/],
    [
      'a wrong key beside a valid JWT',
      async () => ({ 'REB-APIKEY': 'nope', ...bearer(DEMO) }),
      /not a configured key/,
    ],
    ['the API key sent as a bearer token', async () => bearer(RB_KEY['REB-APIKEY']), /malformed/],
    ['Basic auth', async () => ({ Authorization: 'Basic dXNlcjpwYXNz' }), /must be "Bearer <JWT>"/],
    [
      '"Bearer" without a token',
      async () => ({ Authorization: 'Bearer' }),
      /must be "Bearer <JWT>"/,
    ],
    [
      'an expired JWT',
      async () => bearer(await mintToken(SECRET, { sub: 'usr_1' }, '-1m')),
      /expired/,
    ],
    [
      'a JWT that expired long ago',
      async () => bearer(await mintToken(SECRET, { exp: 1 })),
      /expired/,
    ],
    [
      'a JWT without exp',
      async () => bearer(await mintToken(SECRET, { sub: 'usr_1' })),
      /"exp" claim/,
    ],
    [
      'a JWT not valid yet (nbf)',
      async () => bearer(await mintToken(SECRET, { nbf: now() + 3600 }, '2h')),
      /nbf/,
    ],
    [
      'a forged JWT (another secret)',
      async () => bearer(await demoToken('not-the-secret')),
      /signature/,
    ],
    [
      'a JWT with a tampered payload',
      async () => {
        const [h, , sig] = DEMO.split('.');
        const payload = Buffer.from(JSON.stringify({ ...DEMO_CLAIMS, sub: 'admin' })).toString(
          'base64url',
        );
        return bearer(`${h}.${payload}.${sig}`);
      },
      /signature/,
    ],
    ['an HS512 JWT', async () => bearer(await HS512()), /HS256/],
    ['an unsigned JWT (alg none)', async () => bearer(UNSIGNED()), /HS256|malformed/],
    ['a malformed token', async () => bearer('not.a.jwt'), /malformed/],
    ['a token of garbage', async () => bearer('%%%'), /malformed/],
    [
      'permissions that are not a list',
      async () => bearer(await mintToken(SECRET, { permissions: 'all' }, '5m')),
      /permissions must be a list/,
    ],
  ];
  it.each(cases)('%s', async (_name, headers, reason) => {
    for (const form of FORMS) {
      const res = await rbGet(mock, YEAR_2025, await headers(), form);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(problem(401, 'Unauthorized', 'Invalid credentials used.'));
      expect(res.headers['x-churnmock-auth-reason']).toMatch(reason);
    }
  });

  it('runs before validation: bad credentials and bad parameters get a 401', async () => {
    const res = await rbGet(mock, { aggregationField: 'day' }, { 'REB-APIKEY': 'nope' });
    expect(res.status).toBe(401);
  });
});

describe('403: valid credentials without the report permission', () => {
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['the demo key sk_test_noreports', async () => ({ 'REB-APIKEY': 'sk_test_noreports' })],
    [
      'a JWT with no permissions',
      async () => bearer(await mintToken(SECRET, { permissions: [] }, '5m')),
    ],
    [
      'a JWT with other permissions',
      async () => bearer(await mintToken(SECRET, { permissions: ['GetCustomerCollection'] }, '5m')),
    ],
  ];
  it.each(cases)('%s', async (_name, headers) => {
    for (const form of FORMS) {
      const res = await rbGet(mock, YEAR_2025, await headers(), form);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Forbidden', status: 403 });
      expect(res.headers['x-churnmock-auth-reason']).toMatch(/GetSubscriptionCancellationReport/);
    }
  });
});

describe('configured credentials', () => {
  it('--rebilly-api-key, --rebilly-restricted-key and --rebilly-jwt-secret replace the defaults', async () => {
    const custom = await customMock({
      scale: 0.05,
      vendors: {
        'rebilly-reports': {
          apiKey: 'sk_test_other',
          restrictedApiKey: 'sk_test_limited',
          jwtSecret: 'another-secret',
        },
      },
    });
    const status = async (headers: Record<string, string>) =>
      (await rbGet(custom, YEAR_2025, headers)).status;
    expect(await status({ 'REB-APIKEY': 'sk_test_other' })).toBe(200);
    expect(await status(RB_KEY)).toBe(401);
    expect(await status(bearer(await demoToken('another-secret')))).toBe(200);
    expect(await status(bearer(DEMO))).toBe(401);
    expect(await status({ 'REB-APIKEY': 'sk_test_limited' })).toBe(403);
    expect(await status({ 'REB-APIKEY': 'sk_test_noreports' })).toBe(401);
  });
});
