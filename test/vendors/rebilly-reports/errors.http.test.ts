import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../../mock/create.ts';
import { REBILLY_OPERATIONS } from '../../../mock/vendors/rebilly-reports/handlers.ts';
import { expectContract } from '../../helpers/contract.ts';
import { customMock } from '../../helpers/mock.ts';
import { PATHS, problem, RB_KEY, rbGet, YEAR_2025 } from './http.ts';

let mock: Mock;
beforeAll(async () => {
  mock = await customMock({});
});

const opOf = (form: keyof typeof REBILLY_OPERATIONS) => REBILLY_OPERATIONS[form];

const without = (key: keyof typeof YEAR_2025) => {
  const { [key]: _gone, ...rest } = YEAR_2025;
  return rest;
};
const ALLOWED_FIELDS =
  /must be one of: planId, websiteId, canceledBy, cancelCategory, leadSource\.source, .*leadSource\.salesAgent/;
const DATE_TIME = /RFC 3339 date-time with a time zone, e.g. 2025-01-01T00:00:00Z/;
const ALLOWED_FIELDS_AFTER_REQUIRED =
  /required property 'aggregationField'; allowed: one of: planId, websiteId, .*leadSource\.salesAgent/;
const LIMIT_INTEGER =
  /must be an integer written in plain decimal digits.*allowed: one integer from 0 to 1000/;

/** [case, query, field named in invalidFields, what the message says is allowed] */
const BAD_REQUESTS: [string, Record<string, string | number>, string, RegExp][] = [
  ['missing periodStart', without('periodStart'), 'periodStart', /required property 'periodStart'/],
  ['missing periodEnd', without('periodEnd'), 'periodEnd', /required property 'periodEnd'/],
  [
    'missing aggregationField',
    without('aggregationField'),
    'aggregationField',
    ALLOWED_FIELDS_AFTER_REQUIRED,
  ],
  [
    "the reference's own sample: aggregationField=day",
    { ...YEAR_2025, aggregationField: 'day' },
    'aggregationField',
    ALLOWED_FIELDS,
  ],
  [
    'aggregationField in another case',
    { ...YEAR_2025, aggregationField: 'PLANID' },
    'aggregationField',
    ALLOWED_FIELDS,
  ],
  ['limit over 1000', { ...YEAR_2025, limit: 1001 }, 'limit', /must be <= 1000/],
  ['negative limit', { ...YEAR_2025, limit: -1 }, 'limit', /must be >= 0/],
  ['limit not a number', { ...YEAR_2025, limit: 'ten' }, 'limit', LIMIT_INTEGER],
  ['limit not an integer', { ...YEAR_2025, limit: 2.5 }, 'limit', LIMIT_INTEGER],
  ['limit in hexadecimal', { ...YEAR_2025, limit: '0x10' }, 'limit', LIMIT_INTEGER],
  ['limit in exponent form', { ...YEAR_2025, limit: '1e3' }, 'limit', LIMIT_INTEGER],
  ['limit with a decimal point', { ...YEAR_2025, limit: '10.0' }, 'limit', LIMIT_INTEGER],
  ['limit with spaces', { ...YEAR_2025, limit: ' 10' }, 'limit', LIMIT_INTEGER],
  ['an empty limit', { ...YEAR_2025, limit: '' }, 'limit', LIMIT_INTEGER],
  [
    'offset in exponent form',
    { ...YEAR_2025, offset: '1e400' },
    'offset',
    /plain decimal digits.*0 or more/,
  ],
  [
    'an offset too large to page',
    { ...YEAR_2025, offset: '99999999999999999999999' },
    'offset',
    /must be <= 2147483647/,
  ],
  ['negative offset', { ...YEAR_2025, offset: -1 }, 'offset', /must be >= 0/],
  [
    'periodStart after periodEnd',
    { ...YEAR_2025, periodStart: '2026-01-01T00:00:00Z' },
    'periodStart',
    /must not be after periodEnd \(2025-12-31T23:59:59Z\)/,
  ],
  ['a date without a time', { ...YEAR_2025, periodStart: '2025-01-01' }, 'periodStart', DATE_TIME],
  [
    'a time without a zone',
    { ...YEAR_2025, periodEnd: '2025-12-31T23:59:59' },
    'periodEnd',
    DATE_TIME,
  ],
  ['not a date at all', { ...YEAR_2025, periodStart: 'last week' }, 'periodStart', DATE_TIME],
  [
    'an impossible date',
    { ...YEAR_2025, periodEnd: '2025-02-30T00:00:00Z' },
    'periodEnd',
    DATE_TIME,
  ],
  ['a leap second', { ...YEAR_2025, periodEnd: '2025-12-31T23:59:60Z' }, 'periodEnd', DATE_TIME],
  [
    'the leap second of 2016 as periodStart',
    { ...YEAR_2025, periodStart: '2016-12-31T23:59:60Z' },
    'periodStart',
    DATE_TIME,
  ],
  [
    'a six-digit year',
    { ...YEAR_2025, periodEnd: '300000-01-01T00:00:00Z' },
    'periodEnd',
    DATE_TIME,
  ],
  [
    'an offset without minutes (the date-time format lets it through)',
    { ...YEAR_2025, periodStart: '2025-01-01T00:00:00+02' },
    'periodStart',
    DATE_TIME,
  ],
  [
    'a filter date-time at a leap second',
    { ...YEAR_2025, filter: 'canceledTime:2016-12-31T23:59:60Z..' },
    'filter',
    /"2016-12-31T23:59:60Z" is not an RFC 3339 date-time/,
  ],
  [
    'a filter date-time February does not have',
    { ...YEAR_2025, filter: 'startTime:..2025-02-30T00:00:00Z' },
    'filter',
    /"2025-02-30T00:00:00Z" is not an RFC 3339 date-time/,
  ],
  [
    'an offset whose "+" became a space',
    { ...YEAR_2025, periodStart: '2025-01-01T00:00:00 02:00' },
    'periodStart',
    /%2B/,
  ],
  [
    'a malformed filter',
    { ...YEAR_2025, filter: 'planIdpro' },
    'filter',
    /clause "planIdpro" is not field:value/,
  ],
  [
    'an unknown filter field',
    { ...YEAR_2025, filter: 'colour:red' },
    'filter',
    /unknown field "colour"; filterable fields: id, customerId/,
  ],
  [
    'a filter value of the wrong type',
    { ...YEAR_2025, filter: 'quantity:two' },
    'filter',
    /"two" is not a number/,
  ],
  [
    'a filter date of the wrong type',
    { ...YEAR_2025, filter: 'canceledTime:2025-01-01..' },
    'filter',
    /is not an RFC 3339 date-time/,
  ],
  [
    'a range on a text field',
    { ...YEAR_2025, filter: 'planId:a..z' },
    'filter',
    /ranges .* apply only to numbers and date-times/,
  ],
  [
    'a value outside an enum',
    { ...YEAR_2025, filter: 'canceledBy:robot' },
    'filter',
    /not one of merchant, customer, rebilly/,
  ],
  ['a stored value list', { ...YEAR_2025, filter: 'planId:!@vip' }, 'filter', /not support/],
];

describe('400 problem documents that say what is allowed', () => {
  it.each(BAD_REQUESTS)('%s', async (_name, query, field, message) => {
    for (const form of ['experimental', 'organization', 'stable'] as const) {
      const res = await rbGet(mock, query, RB_KEY, form);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
      const named = res.body.invalidFields.find((f: { field: string }) => f.field === field);
      expect(named?.message).toMatch(message);
      expect(res.body.detail).toMatch(message);
    }
  });

  it('lists every problem at once', async () => {
    const res = await rbGet(mock, {
      periodStart: 'x',
      periodEnd: 'y',
      aggregationField: 'day',
      limit: 5000,
      offset: -3,
    });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { field: string }) => f.field).sort()).toEqual([
      'aggregationField',
      'limit',
      'offset',
      'periodEnd',
      'periodStart',
    ]);
  });
});

const HOSTILE = [
  'periodStart=2025-01-01T00:00:00Z&periodStart=2025-02-01T00:00:00Z',
  'limit=1e3',
  'limit=99999999999999999999',
  'limit=',
  'offset=',
  'filter=',
  'filter=;',
  'filter=%3A',
  'filter=..',
  'filter=quantity:..',
  'filter=quantity:1..2..3',
  'filter=planId:a&filter=planId:b',
  `filter=${'planId:a,'.repeat(600)}planId:b`,
  `filter=${'x'.repeat(8000)}`,
  'filter=%00%ff',
  'filter=__proto__:x',
  'filter=constructor:x',
  'aggregationField=__proto__',
  'aggregationField[]=planId',
  'periodEnd=9999-12-31T23:59:59Z',
  'periodStart=0001-01-01T00:00:00Z',
  'periodStart=2025-01-01T00:00:00%2B14:00',
  '%E0%A4%A=1',
];

describe('bad input never yields a 500', () => {
  // Node itself answers 431 above 16 KB of headers, before the app: the long cases stay below.
  it.each(HOSTILE.map((q) => [q.slice(0, 60), q]))('%s', async (_shown, extra) => {
    const base = new URLSearchParams(YEAR_2025).toString();
    const res = await request(mock.app).get(`${PATHS.stable}?${base}&${extra}`).set(RB_KEY);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    await expectContract('GetStableSubscriptionCancellationReport', res);
  });

  it('a wrong method is a 405 problem document with Allow', async () => {
    const res = await request(mock.app).post(PATHS.experimental).set(RB_KEY).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.body).toMatchObject({ title: 'Method Not Allowed', status: 405 });
    await expectContract('GetSubscriptionCancellationReport', res);
  });

  it('a body on a GET is ignored, as a real server does, even when it is malformed JSON', async () => {
    const res = await request(mock.app)
      .get(`${PATHS.experimental}?${new URLSearchParams(YEAR_2025)}`)
      .set(RB_KEY)
      .set('content-type', 'application/json')
      .send('{"oops"');
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    await expectContract('GetSubscriptionCancellationReport', res);
  });

  it('an unknown path under a Rebilly prefix is a 404 problem document', async () => {
    const res = await request(mock.app).get('/experimental/reports/nope').set(RB_KEY);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      problem(404, 'Not Found', 'No route for GET /experimental/reports/nope'),
    );
  });
});

describe('hostile input the contract now declares', () => {
  it.each([
    ['credentials', RB_KEY],
    ['no credentials', {}],
  ] as const)(
    '/organizations//… (an empty organizationId, %s) is a 404 problem document',
    async (_n, auth) => {
      const path = '/organizations//experimental/reports/subscription-cancellation';
      const res = await request(mock.app)
        .get(`${path}?${new URLSearchParams(YEAR_2025)}`)
        .set(auth);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(problem(404, 'Not Found', `No route for GET ${path}`));
      await expectContract('GetOrganizationSubscriptionCancellationReport', res);
    },
  );

  // Each is refused by the contract's filter pattern (before the handler): the 400 still
  // names the problem in the parser's words, never the pattern.
  const PATTERN_REFUSED: [string, RegExp][] = [
    [';', /empty clause/],
    ['planId:a;;quantity:1', /empty clause/],
    ['planIdpro', /clause "planIdpro" is not field:value/],
    ['colour:red', /unknown field "colour"/],
    ['planId:', /planId: empty value/],
    ['planId:!!a', /negates more than once/],
    ['planId:@vip', /stored value list/],
    ['planId:a..z', /ranges .* apply only to numbers and date-times/],
    ['quantity:1e3', /"1e3" is not a number/],
    ['quantity:1..2..3', /"2..3" is not a number/],
    ['canceledTime:2025-01-01T00:00:00', /is not an RFC 3339 date-time/],
    [`planId:${'a,'.repeat(600)}`, /planId: empty value/],
  ];
  it.each(PATTERN_REFUSED)('filter=%s ⇒ 400 naming the problem', async (filter, why) => {
    for (const form of ['experimental', 'organization', 'stable'] as const) {
      const res = await rbGet(mock, { ...YEAR_2025, filter }, RB_KEY, form);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
      const fields = res.body.invalidFields as { field: string; message: string }[];
      expect(fields.map((f) => f.field)).toEqual(fields.map(() => 'filter'));
      expect(fields.map((f) => f.message).join(' ')).toMatch(why);
      expect(res.body.detail).not.toMatch(/pattern/);
    }
  });

  it('a pattern-refused filter with another bad parameter names both', async () => {
    const res = await rbGet(mock, { ...YEAR_2025, limit: 5000, filter: 'colour:red' });
    expect(res.status).toBe(400);
    const fields = res.body.invalidFields as { field: string; message: string }[];
    expect(fields.map((f) => f.field).sort()).toEqual(['filter', 'limit']);
    expect(fields.find((f) => f.field === 'filter')?.message).toMatch(/unknown field "colour"/);
  });

  it.each(['experimental', 'organization', 'stable'] as const)(
    '%s path: If-None-Match with the ETag is a bodiless 304; another tag, a 200',
    async (form) => {
      const first = await rbGet(mock, YEAR_2025, RB_KEY, form);
      expect(first.status).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const path = `${PATHS[form]}?${new URLSearchParams(YEAR_2025)}`;
      const again = () => request(mock.app).get(path).set(RB_KEY);
      const notModified = await again().set('if-none-match', etag);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.etag).toBe(etag);
      await expectContract(opOf(form), notModified);
      const other = await again().set('if-none-match', '"another"');
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      await expectContract(opOf(form), other);
    },
  );
});
