import { describe, expect, it, vi } from 'vitest';
import {
  compileRequestPattern,
  compileValuePattern,
  PatternError,
  type RecordedRequest,
} from '../../../mock/core/control/pattern.ts';

// --- Helpers -----------------------------------------------------------------------------

const FLOWS = '/v1/cancellation-flows';
const SESSIONS = '/v1/data/sessions';
const FLOW_BODY = '{"customer_id":"cus_abc123","redirect_url":"https://example.com/done"}';

/** A recorded request as the journal builds one: path and query taken from the URL. */
function recorded(
  fields: Partial<Omit<RecordedRequest, 'path' | 'query'>> & { url: string },
): RecordedRequest {
  const q = fields.url.indexOf('?');
  const query: Record<string, string[]> = {};
  if (q >= 0)
    for (const [k, v] of new URLSearchParams(fields.url.slice(q + 1))) {
      const values = query[k] ?? [];
      values.push(v);
      query[k] = values;
    }
  return {
    method: 'GET',
    headers: {},
    body: '',
    ...fields,
    path: q < 0 ? fields.url : fields.url.slice(0, q),
    query,
  };
}

/** ChurnCut's "start a cancellation flow". */
const createFlow = recorded({
  method: 'POST',
  url: FLOWS,
  headers: {
    host: 'localhost:4010',
    'content-type': 'application/json',
    authorization: 'Bearer cc_test_sk_123',
  },
  body: FLOW_BODY,
});

/** Churnkey's Data API session listing, with a repeated query parameter. */
const listSessions = recorded({
  method: 'GET',
  url: `${SESSIONS}?limit=10&saveType=PAUSE&saveType=DISCOUNT`,
  headers: {
    host: 'localhost:4010',
    'x-ck-api-key': 'ck_test_key_abc',
    'x-ck-app': 'app_123',
    cookie: 'session=sess_42; theme=dark; theme=light',
  },
});

/** JsonUnit's placeholder `name` (spelt out so that it is not read as a template). */
function unit(name: string): string {
  return ['$', '{json-unit.', name, '}'].join('');
}

/** A request with a JSON body of items, for JSONPath. */
function withBody(body: unknown): RecordedRequest {
  return recorded({
    method: 'POST',
    url: FLOWS,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const ITEMS = {
  customer_id: 'cus_abc123',
  items: [
    { id: 'flow_1', status: 'active', offers: ['PAUSE', 'DISCOUNT'] },
    { id: 'flow_2', status: 'canceled', offers: [] },
  ],
  metadata: { plan: { name: 'Pro', seats: 3 } },
  note: null,
  tags: [],
};

/** Whether `pattern` matches `req`. */
function matches(pattern: unknown, req: RecordedRequest): boolean {
  return compileRequestPattern(pattern)(req);
}

/** Whether the body pattern matches a request with `body`. */
function bodyMatches(pattern: unknown, body: unknown): boolean {
  return matches({ bodyPatterns: [pattern] }, withBody(body));
}

/** Whether one content pattern matches one value. */
function valueMatches(pattern: unknown, value: string | undefined): boolean {
  return compileValuePattern(pattern, 'value')(value);
}

/** Asserts that compiling `pattern` throws a PatternError whose message contains or matches `message`. */
function rejects(pattern: unknown, message: string | RegExp): void {
  let caught: unknown;
  try {
    compileRequestPattern(pattern);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PatternError);
  expect((caught as Error).message).toMatch(message);
}

// --- Method and URL ----------------------------------------------------------------------

describe('method and URL', () => {
  it('an empty pattern matches every request', () => {
    expect(matches({}, createFlow)).toBe(true);
    expect(matches({}, listSessions)).toBe(true);
  });

  it('method is an exact, upper-case compare; ANY or no method matches every method', () => {
    expect(matches({ method: 'POST' }, createFlow)).toBe(true);
    expect(matches({ method: 'post' }, createFlow)).toBe(true);
    expect(matches({ method: 'GET' }, createFlow)).toBe(false);
    expect(matches({ method: 'ANY' }, createFlow)).toBe(true);
    expect(matches({ method: 'ANY' }, listSessions)).toBe(true);
    expect(matches({ method: 'PUT', urlPath: FLOWS }, createFlow)).toBe(false);
  });

  it('url is equality on path and query', () => {
    const url = `${SESSIONS}?limit=10&saveType=PAUSE&saveType=DISCOUNT`;
    expect(matches({ url }, listSessions)).toBe(true);
    expect(matches({ url: SESSIONS }, listSessions)).toBe(false);
    expect(
      matches({ url: `${SESSIONS}?saveType=PAUSE&saveType=DISCOUNT&limit=10` }, listSessions),
    ).toBe(false);
    expect(matches({ url: FLOWS }, createFlow)).toBe(true);
  });

  it('urlPattern is a whole match on path and query', () => {
    expect(matches({ urlPattern: '/v1/data/sessions\\?limit=\\d+.*' }, listSessions)).toBe(true);
    expect(matches({ urlPattern: '/v1/data/sessions' }, listSessions)).toBe(false);
    expect(matches({ urlPattern: 'sessions.*' }, listSessions)).toBe(false);
    expect(matches({ urlPattern: '/v1/cancellation-flows|/v1/other' }, createFlow)).toBe(true);
  });

  it('urlPath is equality on the path only', () => {
    expect(matches({ urlPath: SESSIONS }, listSessions)).toBe(true);
    expect(matches({ urlPath: `${SESSIONS}?limit=10` }, listSessions)).toBe(false);
    expect(matches({ urlPath: '/v1/data' }, listSessions)).toBe(false);
  });

  it('urlPathPattern is a whole match on the path only', () => {
    expect(matches({ urlPathPattern: '/v1/data/[a-z]+' }, listSessions)).toBe(true);
    expect(matches({ urlPathPattern: '/v1/data' }, listSessions)).toBe(false);
    expect(matches({ urlPathPattern: '/v1/data/sessions\\?.*' }, listSessions)).toBe(false);
    const customer = recorded({ url: '/v1/customers/cus_abc123' });
    expect(matches({ urlPathPattern: '/v1/customers/cus_[A-Za-z0-9]+' }, customer)).toBe(true);
    expect(matches({ urlPathPattern: '/v1/customers/cus_[0-9]+' }, customer)).toBe(false);
  });

  it("a regex's leading Java inline flag (?i) becomes a JavaScript flag", () => {
    expect(matches({ urlPathPattern: '(?i)/V1/DATA/SESSIONS' }, listSessions)).toBe(true);
    expect(matches({ urlPathPattern: '/V1/DATA/SESSIONS' }, listSessions)).toBe(false);
  });

  it('method and URL combine with the other parts', () => {
    const pattern = {
      method: 'GET',
      urlPath: SESSIONS,
      headers: { 'x-ck-app': { equalTo: 'app_123' } },
    };
    expect(matches(pattern, listSessions)).toBe(true);
    expect(matches({ ...pattern, method: 'POST' }, listSessions)).toBe(false);
    expect(
      matches({ ...pattern, headers: { 'x-ck-app': { equalTo: 'app_999' } } }, listSessions),
    ).toBe(false);
  });
});

// --- Query parameters --------------------------------------------------------------------

describe('query parameters', () => {
  it('a pattern matches when any value of a repeated parameter matches', () => {
    const q = (pattern: unknown) =>
      matches({ queryParameters: { saveType: pattern } }, listSessions);
    expect(q({ equalTo: 'PAUSE' })).toBe(true);
    expect(q({ equalTo: 'DISCOUNT' })).toBe(true);
    expect(q({ equalTo: 'REBATE' })).toBe(false);
    expect(q({ matches: 'DIS.*' })).toBe(true);
    expect(q({ doesNotContain: 'PAUSE' })).toBe(true);
    expect(q({ doesNotMatch: '[A-Z]+' })).toBe(false);
  });

  it('equalTo takes a number or a boolean as its string', () => {
    expect(matches({ queryParameters: { limit: { equalTo: 10 } } }, listSessions)).toBe(true);
    expect(matches({ queryParameters: { limit: { equalTo: 5 } } }, listSessions)).toBe(false);
    const flagged = recorded({ url: `${SESSIONS}?live=true` });
    expect(matches({ queryParameters: { live: { equalTo: true } } }, flagged)).toBe(true);
    expect(matches({ queryParameters: { live: { equalTo: false } } }, flagged)).toBe(false);
  });

  it('hasExactly needs as many values as patterns, each pattern matching one of them', () => {
    const exactly = (list: unknown[]) =>
      matches({ queryParameters: { saveType: { hasExactly: list } } }, listSessions);
    expect(exactly([{ equalTo: 'DISCOUNT' }, { equalTo: 'PAUSE' }])).toBe(true);
    expect(exactly([{ equalTo: 'PAUSE' }])).toBe(false);
    expect(exactly([{ equalTo: 'PAUSE' }, { equalTo: 'DISCOUNT' }, { equalTo: 'REBATE' }])).toBe(
      false,
    );
    expect(exactly([{ equalTo: 'PAUSE' }, { equalTo: 'REBATE' }])).toBe(false);
    expect(
      matches({ queryParameters: { missing: { hasExactly: [{ absent: true }] } } }, listSessions),
    ).toBe(false);
  });

  it('includes needs each pattern to match one of the values, other values allowed', () => {
    const includes = (list: unknown[]) =>
      matches({ queryParameters: { saveType: { includes: list } } }, listSessions);
    expect(includes([{ equalTo: 'PAUSE' }])).toBe(true);
    expect(includes([{ equalTo: 'PAUSE' }, { contains: 'COUNT' }])).toBe(true);
    expect(includes([{ equalTo: 'PAUSE' }, { equalTo: 'REBATE' }])).toBe(false);
    expect(
      matches({ queryParameters: { page: { includes: [{ equalTo: '1' }] } } }, listSessions),
    ).toBe(false);
  });

  it('absent: true matches only a missing parameter, absent: false only a present one', () => {
    expect(matches({ queryParameters: { cursor: { absent: true } } }, listSessions)).toBe(true);
    expect(matches({ queryParameters: { limit: { absent: true } } }, listSessions)).toBe(false);
    expect(matches({ queryParameters: { limit: { absent: false } } }, listSessions)).toBe(true);
    expect(matches({ queryParameters: { cursor: { absent: false } } }, listSessions)).toBe(false);
    const empty = recorded({ url: `${SESSIONS}?cursor=` });
    expect(matches({ queryParameters: { cursor: { absent: true } } }, empty)).toBe(false);
    expect(matches({ queryParameters: { cursor: { equalTo: '' } } }, empty)).toBe(true);
  });

  it('a missing parameter fails every other matcher, negative ones included', () => {
    const missing = (pattern: unknown) =>
      matches({ queryParameters: { cursor: pattern } }, listSessions);
    expect(missing({ equalTo: '' })).toBe(false);
    expect(missing({ doesNotContain: 'x' })).toBe(false);
    expect(missing({ doesNotMatch: 'x' })).toBe(false);
    expect(missing({ not: { equalTo: 'x' } })).toBe(false);
    expect(missing({ or: [{ equalTo: 'abc' }, { absent: true }] })).toBe(true);
  });

  it("a parameter named like an object's built-in member is missing unless sent", () => {
    expect(matches({ queryParameters: { constructor: { absent: true } } }, listSessions)).toBe(
      true,
    );
    expect(matches({ queryParameters: { toString: { matches: '.*' } } }, listSessions)).toBe(false);
  });
});

// --- Headers and cookies -----------------------------------------------------------------

describe('headers', () => {
  it('header names are case-insensitive, values are compared as given', () => {
    expect(
      matches({ headers: { 'X-CK-API-KEY': { equalTo: 'ck_test_key_abc' } } }, listSessions),
    ).toBe(true);
    expect(
      matches({ headers: { 'x-ck-api-key': { equalTo: 'ck_test_key_abc' } } }, listSessions),
    ).toBe(true);
    expect(
      matches({ headers: { 'X-Ck-Api-Key': { equalTo: 'CK_TEST_KEY_ABC' } } }, listSessions),
    ).toBe(false);
    expect(
      matches(
        { headers: { 'X-Ck-Api-Key': { equalTo: 'CK_TEST_KEY_ABC', caseInsensitive: true } } },
        listSessions,
      ),
    ).toBe(true);
    expect(matches({ headers: { 'Content-Type': { contains: 'json' } } }, createFlow)).toBe(true);
    expect(matches({ headers: { 'Content-Type': { contains: 'xml' } } }, createFlow)).toBe(false);
  });

  it('absent on a missing and on a present header', () => {
    expect(matches({ headers: { Authorization: { absent: true } } }, listSessions)).toBe(true);
    expect(matches({ headers: { Authorization: { absent: true } } }, createFlow)).toBe(false);
    expect(matches({ headers: { Authorization: { absent: false } } }, createFlow)).toBe(true);
    expect(matches({ headers: { Authorization: { contains: 'Bearer' } } }, listSessions)).toBe(
      false,
    );
  });

  it('a header with several values: any value, hasExactly and includes', () => {
    const req = recorded({ url: FLOWS, headers: { 'x-request-id': ['req_1', 'req_2'] } });
    const h = (pattern: unknown) => matches({ headers: { 'X-Request-Id': pattern } }, req);
    expect(h({ equalTo: 'req_2' })).toBe(true);
    expect(h({ equalTo: 'req_3' })).toBe(false);
    expect(h({ hasExactly: [{ equalTo: 'req_2' }, { equalTo: 'req_1' }] })).toBe(true);
    expect(h({ hasExactly: [{ equalTo: 'req_1' }] })).toBe(false);
    expect(h({ includes: [{ matches: 'req_\\d' }] })).toBe(true);
    expect(h({ includes: [{ equalTo: 'req_1' }, { equalTo: 'req_9' }] })).toBe(false);
    const blank = recorded({ url: FLOWS, headers: { 'x-request-id': '' } });
    expect(matches({ headers: { 'x-request-id': { hasExactly: [{ equalTo: '' }] } } }, blank)).toBe(
      true,
    );
    expect(matches({ headers: { 'x-request-id': { absent: true } } }, blank)).toBe(false);
  });
});

describe('cookies', () => {
  it('cookies are parsed from the Cookie header, any value of a repeated name matching', () => {
    expect(matches({ cookies: { session: { equalTo: 'sess_42' } } }, listSessions)).toBe(true);
    expect(matches({ cookies: { session: { equalTo: 'sess_43' } } }, listSessions)).toBe(false);
    expect(matches({ cookies: { theme: { equalTo: 'light' } } }, listSessions)).toBe(true);
    expect(
      matches({ cookies: { theme: { hasExactly: [{ equalTo: 'dark' }] } } }, listSessions),
    ).toBe(false);
    expect(matches({ cookies: { Session: { equalTo: 'sess_42' } } }, listSessions)).toBe(false);
  });

  it('a missing cookie, or no Cookie header at all, matches only absent: true', () => {
    expect(matches({ cookies: { csrf: { absent: true } } }, listSessions)).toBe(true);
    expect(matches({ cookies: { session: { absent: true } } }, listSessions)).toBe(false);
    expect(matches({ cookies: { session: { absent: true } } }, createFlow)).toBe(true);
    expect(matches({ cookies: { session: { matches: '.*' } } }, createFlow)).toBe(false);
  });
});

describe('basicAuthCredentials', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const withAuth = (authorization?: string) =>
    recorded({ url: '/v1/customers', headers: authorization ? { authorization } : {} });
  const pattern = { basicAuthCredentials: { username: 'rb_user', password: 's3cret' } };

  it('matches the Authorization: Basic header of the username and password', () => {
    expect(matches(pattern, withAuth(basic('rb_user', 's3cret')))).toBe(true);
    expect(matches(pattern, withAuth(basic('rb_user', 's3cret').replace('Basic', 'basic')))).toBe(
      true,
    );
  });

  it('fails on a wrong password, another scheme or no header', () => {
    expect(matches(pattern, withAuth(basic('rb_user', 'wrong')))).toBe(false);
    expect(matches(pattern, withAuth(basic('other', 's3cret')))).toBe(false);
    expect(matches(pattern, withAuth('Bearer s3cret'))).toBe(false);
    expect(matches(pattern, withAuth())).toBe(false);
  });
});

describe('host, port and scheme', () => {
  it('host and port are read from the Host header', () => {
    expect(matches({ host: { equalTo: 'localhost' } }, createFlow)).toBe(true);
    expect(matches({ host: 'localhost' }, createFlow)).toBe(true);
    expect(matches({ host: { equalTo: 'api.churncut.com' } }, createFlow)).toBe(false);
    expect(matches({ port: 4010 }, createFlow)).toBe(true);
    expect(matches({ port: 8080 }, createFlow)).toBe(false);
    const noPort = recorded({ url: FLOWS, headers: { host: 'mock.internal' } });
    expect(matches({ port: 80 }, noPort)).toBe(true);
  });

  it('scheme http matches every request; https none, churnmock serving plain HTTP', () => {
    expect(matches({ scheme: 'http' }, createFlow)).toBe(true);
    expect(matches({ scheme: 'https' }, createFlow)).toBe(false);
  });
});

// --- Content patterns --------------------------------------------------------------------

describe('string matchers', () => {
  it('equalTo, and with caseInsensitive', () => {
    expect(valueMatches({ equalTo: 'cus_abc123' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ equalTo: 'cus_abc123' }, 'CUS_ABC123')).toBe(false);
    expect(valueMatches({ equalTo: 'cus_abc123', caseInsensitive: true }, 'CUS_ABC123')).toBe(true);
    expect(valueMatches({ equalTo: 'cus_abc123', caseInsensitive: true }, 'cus_abc124')).toBe(
      false,
    );
    expect(valueMatches({ equalTo: 'cus_abc123', caseInsensitive: false }, 'CUS_ABC123')).toBe(
      false,
    );
  });

  it('contains and doesNotContain', () => {
    expect(valueMatches({ contains: 'abc' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ contains: 'xyz' }, 'cus_abc123')).toBe(false);
    expect(valueMatches({ doesNotContain: 'xyz' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ doesNotContain: 'abc' }, 'cus_abc123')).toBe(false);
  });

  it('matches and doesNotMatch take the whole value', () => {
    expect(valueMatches({ matches: 'cus_[a-z0-9]+' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ matches: 'abc' }, 'cus_abc123')).toBe(false);
    expect(valueMatches({ matches: '.*abc.*' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ doesNotMatch: 'abc' }, 'cus_abc123')).toBe(true);
    expect(valueMatches({ doesNotMatch: 'cus_.*' }, 'cus_abc123')).toBe(false);
    expect(valueMatches({ matches: '\\p{Lu}+' }, 'ÉTÉ')).toBe(true);
  });

  it('absent', () => {
    expect(valueMatches({ absent: true }, undefined)).toBe(true);
    expect(valueMatches({ absent: true }, '')).toBe(false);
    expect(valueMatches({ absent: false }, '')).toBe(true);
    expect(valueMatches({ absent: false }, undefined)).toBe(false);
  });

  it('a missing value fails every matcher but absent: true', () => {
    for (const pattern of [
      { equalTo: '' },
      { contains: '' },
      { doesNotContain: 'x' },
      { matches: '.*' },
      { doesNotMatch: 'x' },
      { equalToJson: {} },
      { matchesJsonPath: '$' },
      { not: { equalTo: 'x' } },
    ])
      expect(valueMatches(pattern, undefined)).toBe(false);
  });

  it('and needs every pattern, or any one', () => {
    const and = { and: [{ contains: 'cus_' }, { doesNotContain: 'test' }] };
    expect(valueMatches(and, 'cus_abc123')).toBe(true);
    expect(valueMatches(and, 'cus_test_1')).toBe(false);
    expect(valueMatches(and, 'sub_abc123')).toBe(false);
    const or = { or: [{ equalTo: 'PAUSE' }, { equalTo: 'DISCOUNT' }] };
    expect(valueMatches(or, 'DISCOUNT')).toBe(true);
    expect(valueMatches(or, 'REBATE')).toBe(false);
  });

  it('not inverts its pattern', () => {
    expect(valueMatches({ not: { equalTo: 'canceled' } }, 'active')).toBe(true);
    expect(valueMatches({ not: { equalTo: 'canceled' } }, 'canceled')).toBe(false);
    expect(valueMatches({ not: { or: [{ equalTo: 'a' }, { equalTo: 'b' }] } }, 'b')).toBe(false);
    expect(valueMatches({ not: { or: [{ equalTo: 'a' }, { equalTo: 'b' }] } }, 'c')).toBe(true);
  });
});

describe('equalToJson', () => {
  it('takes the expected JSON as a string or as a value; key order and spacing do not matter', () => {
    const reordered = '{ "redirect_url": "https://example.com/done", "customer_id": "cus_abc123" }';
    expect(bodyMatches({ equalToJson: FLOW_BODY }, reordered)).toBe(true);
    expect(
      bodyMatches(
        { equalToJson: { customer_id: 'cus_abc123', redirect_url: 'https://example.com/done' } },
        reordered,
      ),
    ).toBe(true);
    expect(bodyMatches({ equalToJson: { customer_id: 'cus_abc123' } }, FLOW_BODY)).toBe(false);
    expect(
      bodyMatches(
        { equalToJson: { customer_id: 'cus_other', redirect_url: 'https://example.com/done' } },
        FLOW_BODY,
      ),
    ).toBe(false);
  });

  it('compares numbers by value and types strictly', () => {
    expect(
      bodyMatches({ equalToJson: '{"seats": 3, "rate": 0.5}' }, '{"seats":3.0,"rate":5e-1}'),
    ).toBe(true);
    expect(bodyMatches({ equalToJson: { seats: 3 } }, '{"seats":"3"}')).toBe(false);
    expect(bodyMatches({ equalToJson: { note: null } }, '{"note":null}')).toBe(true);
    expect(bodyMatches({ equalToJson: { note: null } }, '{"note":false}')).toBe(false);
  });

  it('ignoreExtraElements ignores extra fields at any depth, and extra array items', () => {
    const expected = { customer_id: 'cus_abc123', metadata: { plan: { name: 'Pro' } } };
    expect(bodyMatches({ equalToJson: expected }, ITEMS)).toBe(false);
    expect(bodyMatches({ equalToJson: expected, ignoreExtraElements: true }, ITEMS)).toBe(true);
    expect(
      bodyMatches(
        { equalToJson: { metadata: { plan: { name: 'Basic' } } }, ignoreExtraElements: true },
        ITEMS,
      ),
    ).toBe(false);
    expect(
      bodyMatches(
        { equalToJson: { customer_id: 'cus_abc123', missing: 1 }, ignoreExtraElements: true },
        ITEMS,
      ),
    ).toBe(false);
    expect(bodyMatches({ equalToJson: [1, 2], ignoreExtraElements: true }, [1, 2, 3])).toBe(true);
    expect(bodyMatches({ equalToJson: [1, 2] }, [1, 2, 3])).toBe(false);
    expect(bodyMatches({ equalToJson: [2, 3], ignoreExtraElements: true }, [1, 2, 3])).toBe(false);
  });

  it('arrays keep their order unless ignoreArrayOrder, nested arrays included', () => {
    const body = { items: [{ id: 'flow_1', offers: ['PAUSE', 'DISCOUNT'] }, { id: 'flow_2' }] };
    const reordered = {
      items: [{ id: 'flow_2' }, { id: 'flow_1', offers: ['DISCOUNT', 'PAUSE'] }],
    };
    expect(bodyMatches({ equalToJson: body }, body)).toBe(true);
    expect(bodyMatches({ equalToJson: reordered }, body)).toBe(false);
    expect(bodyMatches({ equalToJson: reordered, ignoreArrayOrder: true }, body)).toBe(true);
    expect(
      bodyMatches(
        { equalToJson: { items: [{ id: 'flow_2' }, { id: 'flow_3' }] }, ignoreArrayOrder: true },
        body,
      ),
    ).toBe(false);
    expect(
      bodyMatches({ equalToJson: ['a', 'a', 'b'], ignoreArrayOrder: true }, ['a', 'b', 'b']),
    ).toBe(false);
  });

  it('both modifiers pair each expected item with its own actual item', () => {
    const pattern = {
      equalToJson: { items: [{ status: 'canceled' }, { status: 'active' }] },
      ignoreArrayOrder: true,
      ignoreExtraElements: true,
    };
    expect(bodyMatches(pattern, ITEMS)).toBe(true);
    expect(bodyMatches({ ...pattern, ignoreArrayOrder: false }, ITEMS)).toBe(false);
    // The first expected item fits both actual ones; only one pairing works.
    const greedy = {
      equalToJson: [{ a: 1 }, { a: 1, b: 2 }],
      ignoreArrayOrder: true,
      ignoreExtraElements: true,
    };
    expect(
      bodyMatches(greedy, [
        { a: 1, b: 2 },
        { a: 1, c: 3 },
      ]),
    ).toBe(true);
    expect(bodyMatches(greedy, [{ a: 1, b: 2 }])).toBe(false);
  });

  it('a body that is not JSON does not match', () => {
    expect(bodyMatches({ equalToJson: {} }, '')).toBe(false);
    expect(bodyMatches({ equalToJson: { a: 1 } }, '{a: 1}')).toBe(false);
    expect(bodyMatches({ equalToJson: '"done"' }, '"done"')).toBe(true);
  });

  it("supports JsonUnit's placeholders", () => {
    const pattern = {
      equalToJson: {
        customer_id: `${unit('regex')}cus_[a-z0-9]+`,
        redirect_url: unit('any-string'),
      },
    };
    expect(bodyMatches(pattern, FLOW_BODY)).toBe(true);
    expect(bodyMatches(pattern, { customer_id: 'sub_1', redirect_url: 'x' })).toBe(false);
    expect(bodyMatches(pattern, { customer_id: 'cus_1', redirect_url: 5 })).toBe(false);
    expect(bodyMatches({ equalToJson: { seats: unit('any-number') } }, { seats: 3 })).toBe(true);
    expect(bodyMatches({ equalToJson: { seats: unit('any-number') } }, { seats: '3' })).toBe(false);
    expect(bodyMatches({ equalToJson: { live: unit('any-boolean') } }, { live: false })).toBe(true);
    expect(bodyMatches({ equalToJson: { at: unit('ignore') } }, { at: { x: [1] } })).toBe(true);
    expect(bodyMatches({ equalToJson: { at: unit('ignore') } }, {})).toBe(false);
  });
});

describe('matchesJsonPath', () => {
  it('a string expression matches when it selects a value', () => {
    expect(bodyMatches({ matchesJsonPath: '$.redirect_url' }, FLOW_BODY)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.cancel_url' }, FLOW_BODY)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.metadata.plan.seats' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.items[1].id' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.items[2].id' }, ITEMS)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: 'metadata.plan' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$' }, '0')).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$' }, 'false')).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$' }, 'null')).toBe(false);
  });

  it('a definite path to null, [] or {} does not match; an indefinite one needs a result', () => {
    expect(bodyMatches({ matchesJsonPath: '$.note' }, ITEMS)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.tags' }, ITEMS)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.metadata' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.metadata' }, { metadata: {} })).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.items[*].offers[*]' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.tags[*]' }, ITEMS)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$..seats' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$..price' }, ITEMS)).toBe(false);
  });

  it('filters an array of items', () => {
    expect(bodyMatches({ matchesJsonPath: "$.items[?(@.status == 'active')]" }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: "$.items[?(@.status == 'paused')]" }, ITEMS)).toBe(false);
    expect(
      bodyMatches(
        { matchesJsonPath: "$.items[?(@.status == 'active' && @.id == 'flow_2')]" },
        ITEMS,
      ),
    ).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.missing)]' }, ITEMS)).toBe(false);
  });

  it('a filter on an object tests the object itself, as Jayway does', () => {
    const root = "$[?(@.customer_id == 'cus_abc123')]";
    expect(bodyMatches({ matchesJsonPath: root }, FLOW_BODY)).toBe(true);
    expect(
      bodyMatches({ matchesJsonPath: "$[?(@.customer_id == 'cus_blocked')]" }, FLOW_BODY),
    ).toBe(false);
    expect(bodyMatches({ matchesJsonPath: "$.metadata.plan[?(@.name == 'Pro')]" }, ITEMS)).toBe(
      true,
    );
    expect(bodyMatches({ matchesJsonPath: "$.metadata.plan[?(@.name == 'Max')]" }, ITEMS)).toBe(
      false,
    );
  });

  it('Jayway filter syntax: =~ whole-matches a regex, size() and length() count', () => {
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.status =~ /act.*/)]' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.status =~ /ACT.*/i)]' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.status =~ /act/)]' }, ITEMS)).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.offers.size() == 2)]' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$.items[?(@.offers.length() > 2)]' }, ITEMS)).toBe(
      false,
    );
  });

  it('a deep scan with a filter visits every object', () => {
    expect(bodyMatches({ matchesJsonPath: '$..[?(@.seats > 2)]' }, ITEMS)).toBe(true);
    expect(bodyMatches({ matchesJsonPath: '$..[?(@.seats > 5)]' }, ITEMS)).toBe(false);
  });

  it('with a sub-pattern, matches when a selected value (strings as is, others as JSON) matches it', () => {
    const sub = (expression: string, pattern: object) =>
      bodyMatches({ matchesJsonPath: { expression, ...pattern } }, ITEMS);
    expect(sub('$.customer_id', { equalTo: 'cus_abc123' })).toBe(true);
    expect(sub('$.customer_id', { equalTo: 'cus_other' })).toBe(false);
    expect(sub("$.items[?(@.status == 'active')].id", { equalTo: 'flow_1' })).toBe(true);
    expect(sub("$.items[?(@.status == 'active')].id", { equalTo: 'flow_2' })).toBe(false);
    expect(sub('$.items[*].id', { equalTo: 'flow_2' })).toBe(true);
    expect(sub('$.metadata.plan.seats', { equalTo: '3' })).toBe(true);
    expect(sub('$.metadata.plan', { equalTo: '{"name":"Pro","seats":3}' })).toBe(true);
    expect(sub('$.metadata.plan', { equalToJson: { seats: 3, name: 'Pro' } })).toBe(true);
    expect(sub('$.metadata.plan', { equalToJson: { seats: 4, name: 'Pro' } })).toBe(false);
    expect(sub('$.items[0]', { equalToJson: { id: 'flow_1' }, ignoreExtraElements: true })).toBe(
      true,
    );
    expect(sub('$.items[0].offers', { contains: 'DISCOUNT' })).toBe(true);
    expect(sub('$.items.length()', { equalTo: '2' })).toBe(true);
    expect(sub('$.items[*].length()', { equalTo: '3' })).toBe(false);
  });

  it('with a sub-pattern, nothing selected (or null) matches only absent: true', () => {
    const sub = (expression: string, pattern: object) =>
      bodyMatches({ matchesJsonPath: { expression, ...pattern } }, ITEMS);
    expect(sub('$.cancel_url', { absent: true })).toBe(true);
    expect(sub('$.note', { absent: true })).toBe(true);
    expect(sub('$.customer_id', { absent: true })).toBe(false);
    expect(sub('$.cancel_url', { doesNotContain: 'x' })).toBe(false);
  });

  it('a body that is not JSON does not match', () => {
    expect(bodyMatches({ matchesJsonPath: '$' }, 'customer_id=cus_abc123')).toBe(false);
    expect(bodyMatches({ matchesJsonPath: '$' }, '')).toBe(false);
    expect(bodyMatches({ matchesJsonPath: { expression: '$.a', absent: true } }, '{')).toBe(false);
  });
});

describe('bodyPatterns', () => {
  it('every body pattern must match', () => {
    const pattern = (second: object) => ({
      method: 'POST',
      urlPath: FLOWS,
      bodyPatterns: [{ matchesJsonPath: '$.customer_id' }, second],
    });
    expect(matches(pattern({ contains: 'example.com' }), createFlow)).toBe(true);
    expect(matches(pattern({ contains: 'example.org' }), createFlow)).toBe(false);
    expect(matches({ bodyPatterns: [] }, createFlow)).toBe(true);
    expect(matches({ bodyPatterns: [{ equalTo: '' }] }, listSessions)).toBe(true);
  });

  it('the body is parsed as JSON once per call, however many JSON patterns', () => {
    const matcher = compileRequestPattern({
      bodyPatterns: [
        { equalToJson: FLOW_BODY },
        { matchesJsonPath: '$.customer_id' },
        { matchesJsonPath: { expression: '$.redirect_url', contains: 'example.com' } },
        { and: [{ equalToJson: { customer_id: 'cus_abc123' }, ignoreExtraElements: true }] },
      ],
    });
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(matcher(createFlow)).toBe(true);
      expect(parse).toHaveBeenCalledTimes(1);
      parse.mockClear();
      expect(matcher(listSessions)).toBe(false);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('a request failing on method or URL never reads its body', () => {
    const matcher = compileRequestPattern({
      method: 'POST',
      urlPath: FLOWS,
      bodyPatterns: [{ contains: 'cus_' }],
    });
    let reads = 0;
    const lazy: RecordedRequest = {
      ...listSessions,
      get body() {
        reads++;
        return '';
      },
    };
    expect(matcher(lazy)).toBe(false);
    expect(reads).toBe(0);
  });
});

// --- Errors ------------------------------------------------------------------------------

describe('PatternError', () => {
  it('a pattern that is not an object', () => {
    rejects(null, 'a request pattern must be a JSON object, got null');
    rejects([], 'a request pattern must be a JSON object, got an array');
  });

  it('a regex that does not compile names the regex', () => {
    rejects({ urlPattern: '/v1/(' }, 'urlPattern: invalid regular expression "/v1/("');
    rejects({ urlPathPattern: '[a-' }, 'urlPathPattern: invalid regular expression "[a-"');
    rejects(
      { headers: { 'x-ck-app': { matches: '*app' } } },
      'headers.x-ck-app.matches: invalid regular expression "*app"',
    );
    rejects(
      { bodyPatterns: [{ doesNotMatch: '(?x)a b' }] },
      'bodyPatterns[0].doesNotMatch: invalid regular expression "(?x)a b": inline flag "x"',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: '$.items[?(@.status =~ /act(/)]' }] },
      'invalid regular expression "act("',
    );
    rejects(
      { bodyPatterns: [{ equalToJson: { id: `${unit('regex')}flow_(` } }] },
      'bodyPatterns[0].equalToJson.id: invalid regular expression "flow_("',
    );
  });

  it('two URL kinds', () => {
    rejects({ url: FLOWS, urlPath: FLOWS }, '"url", "urlPath": give at most one of');
    rejects({ urlPattern: '.*', urlPathPattern: '.*' }, '"urlPattern", "urlPathPattern"');
  });

  it('unknown and unsupported top-level keys', () => {
    rejects(
      { method: 'GET', urlpath: FLOWS },
      'unknown key "urlpath" (a request pattern takes method, url',
    );
    rejects({ body: 'x', query: {} }, 'unknown keys "body", "query"');
    for (const key of [
      'customMatcher',
      'multipartPatterns',
      'formParameters',
      'pathParameters',
      'urlPathTemplate',
    ])
      rejects({ [key]: {} }, `"${key}": not supported by churnmock`);
  });

  it('an unknown, empty, doubled or unsupported matcher', () => {
    rejects(
      { headers: { 'Content-Type': { equalsTo: 'application/json' } } },
      'headers.Content-Type: unknown matcher "equalsTo" (use one of equalTo, contains, doesNotContain, matches',
    );
    rejects({ queryParameters: { limit: {} } }, 'queryParameters.limit: empty pattern (use one of');
    rejects(
      { bodyPatterns: [{ contains: 'a', matches: 'b' }] },
      'bodyPatterns[0]: more than one matcher ("contains", "matches")',
    );
    rejects(
      { bodyPatterns: [{ caseInsensitive: true }] },
      '"caseInsensitive" is a modifier of equalTo',
    );
    for (const matcher of ['equalToXml', 'matchesXPath', 'equalToDateTime', 'before', 'after'])
      rejects(
        { bodyPatterns: [{ [matcher]: 'x' }] },
        `bodyPatterns[0]: matcher "${matcher}" is not supported by churnmock`,
      );
    rejects(
      { bodyPatterns: [{ hasExactly: [{ equalTo: 'a' }] }] },
      'bodyPatterns[0]: "hasExactly" applies only to a query parameter, header or cookie',
    );
  });

  it('a modifier that does not belong to the matcher', () => {
    rejects(
      { bodyPatterns: [{ contains: 'a', caseInsensitive: true }] },
      'bodyPatterns[0]: unknown key "caseInsensitive" beside "contains" (it takes no modifiers)',
    );
    rejects(
      { bodyPatterns: [{ equalToJson: {}, ignoreOrder: true }] },
      'unknown key "ignoreOrder" beside "equalToJson" (it takes ignoreArrayOrder, ignoreExtraElements)',
    );
  });

  it('wrong types', () => {
    rejects({ method: 5 }, 'method: must be a method name or "ANY", got number 5');
    rejects({ url: 42 }, 'url: must be a string, got number 42');
    rejects(
      { headers: [] },
      'headers: must be an object of { name: content pattern }, got an array',
    );
    rejects(
      { headers: { 'x-ck-app': 'app_123' } },
      'headers.x-ck-app: a content pattern must be an object',
    );
    rejects(
      { bodyPatterns: { equalTo: 'x' } },
      'bodyPatterns: must be an array of content patterns',
    );
    rejects(
      { bodyPatterns: [{ equalTo: { a: 1 } }] },
      'bodyPatterns[0].equalTo: must be a string, got an object',
    );
    rejects(
      { bodyPatterns: [{ contains: 5 }] },
      'bodyPatterns[0].contains: must be a string, got number 5',
    );
    rejects(
      { bodyPatterns: [{ equalTo: 'x', caseInsensitive: 'yes' }] },
      'bodyPatterns[0].caseInsensitive: must be a boolean',
    );
    rejects(
      { queryParameters: { live: { absent: 'yes' } } },
      'queryParameters.live.absent: must be true or false',
    );
    rejects(
      { bodyPatterns: [{ and: [] }] },
      'bodyPatterns[0].and: must be a non-empty array of content patterns',
    );
    rejects(
      { bodyPatterns: [{ or: { equalTo: 'x' } }] },
      'bodyPatterns[0].or: must be a non-empty array',
    );
    rejects(
      { bodyPatterns: [{ not: 'x' }] },
      'bodyPatterns[0].not: a content pattern must be an object',
    );
    rejects(
      { bodyPatterns: [{ and: [{ equalTo: 'x' }, { equalsTo: 'y' }] }] },
      'bodyPatterns[0].and[1]: unknown matcher "equalsTo"',
    );
    rejects(
      { queryParameters: { saveType: { hasExactly: { equalTo: 'PAUSE' } } } },
      'queryParameters.saveType.hasExactly: must be a non-empty array of content patterns',
    );
    rejects(
      { basicAuthCredentials: { username: 'rb_user' } },
      /^basicAuthCredentials\.password: must be a string, got undefined$/,
    );
    rejects(
      { basicAuthCredentials: 'rb_user:s3cret' },
      'basicAuthCredentials: must be { "username": …, "password": … }',
    );
    rejects({ port: '4010' }, 'port: must be an integer from 1 to 65535');
    rejects({ port: 70000 }, 'port: must be an integer from 1 to 65535');
    rejects({ scheme: 'ftp' }, 'scheme: must be "http" or "https"');
  });

  it('equalToJson that is not JSON', () => {
    rejects(
      { bodyPatterns: [{ equalToJson: '{"customer_id":' }] },
      'bodyPatterns[0].equalToJson: not valid JSON',
    );
    rejects(
      { bodyPatterns: [{ equalToJson: { at: unit('any-date') } }] },
      `bodyPatterns[0].equalToJson.at: placeholder "${unit('any-date')}" is not supported by churnmock`,
    );
  });

  it('a JSONPath expression that cannot be used', () => {
    rejects(
      { bodyPatterns: [{ matchesJsonPath: 5 }] },
      'bodyPatterns[0].matchesJsonPath: must be a JSONPath string or',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: '' }] },
      'a JSONPath expression must be a non-empty string',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: { equalTo: 'x' } }] },
      'bodyPatterns[0].matchesJsonPath: an object needs "expression"',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: { expression: '$.a', equalsTo: 'x' } }] },
      'bodyPatterns[0].matchesJsonPath: unknown matcher "equalsTo"',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: '$.items[0' }] },
      'invalid JSONPath expression "$.items[0": unclosed "["',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: '$.items[?(@.id ==)]' }] },
      'invalid JSONPath filter "?(@.id ==)"',
    );
    rejects(
      { bodyPatterns: [{ matchesJsonPath: "$.items[?(@.status in ['active'])]" }] },
      'JSONPath filter operator "in"',
    );
    rejects(
      {
        bodyPatterns: [{ matchesJsonPath: { expression: '$.items[*].seats.max()', equalTo: '3' } }],
      },
      'bodyPatterns[0].matchesJsonPath.expression: JSONPath function "max()" is not supported by churnmock',
    );
  });

  it('compileValuePattern names the place it was given', () => {
    expect(() => compileValuePattern({ equalsTo: 'x' }, 'headers.X-Ck-App')).toThrow(
      'headers.X-Ck-App: unknown matcher "equalsTo"',
    );
    expect(() => compileValuePattern({ matches: '(' }, 'queryParameters.q')).toThrow(PatternError);
  });
});
