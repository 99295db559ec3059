import { beforeAll, describe, expect, it } from 'vitest';
import {
  type JsonSchema,
  loadContract,
  type Operation,
  type ResponseSpec,
} from '../../mock/core/contract.ts';
import { contractFile } from '../../mock/core/paths.ts';
import {
  declaredKey,
  MAX_PREFER_DELAY_MS,
  parsePrefer,
  sampleBody,
  selectResponse,
} from '../../mock/core/pipeline/prefer.ts';
import { makeAjv } from '../../mock/core/validation.ts';

describe('parsePrefer: Prism-style key=value pairs', () => {
  it.each([
    ['code=404', { code: 404 }],
    ['example=notFound', { example: 'notFound' }],
    ['code=429, delay=2000', { code: 429, delay: 2000 }],
    ['code=429;delay=2000', { code: 429, delay: 2000 }],
    ['  CODE = 404 ;  Example = byCancelCategory ', { code: 404, example: 'byCancelCategory' }],
    ['code="404", example="a, b; c"', { code: 404, example: 'a, b; c' }],
    ['dynamic=true', { dynamic: true }],
    ['code=200, dynamic=FALSE', { code: 200, dynamic: false }],
    [`delay=0`, { delay: 0 }],
    [`delay=${MAX_PREFER_DELAY_MS}`, { delay: MAX_PREFER_DELAY_MS }],
    // Other preferences (RFC 7240's, Prism's unknown keys) are ignored.
    ['return=minimal, respond-async, wait=10, code=201', { code: 201 }],
    ['return=representation', {}],
    ['', {}],
    [',;,', {}],
  ])('%j ⇒ %j', (header, preferences) => {
    expect(parsePrefer(header)).toEqual({ preferences });
  });

  it('no header is no preference; repeated headers are read as one list', () => {
    expect(parsePrefer(undefined)).toEqual({ preferences: {} });
    expect(parsePrefer(['code=404', 'delay=10'])).toEqual({
      preferences: { code: 404, delay: 10 },
    });
  });

  it.each([
    ['code=abc', /code must be an HTTP status from 100 to 599, e\.g\. code=404 \(got "abc"\)/],
    ['code=99', /code must be an HTTP status from 100 to 599/],
    ['code=099', /code must be an HTTP status from 100 to 599/],
    ['code=600', /code must be an HTTP status from 100 to 599/],
    ['code=4040', /code must be an HTTP status/],
    ['code=40 4', /code must be an HTTP status/],
    ['code=', /code needs a value: an HTTP status from 100 to 599/],
    ['code', /code needs a value/],
    ['delay=60001', /delay must be whole milliseconds from 0 to 60000/],
    ['delay=-1', /delay must be whole milliseconds from 0 to 60000/],
    ['delay=1.5', /delay must be whole milliseconds from 0 to 60000/],
    ['delay=1e3', /delay must be whole milliseconds/],
    ['delay=9999999999', /delay must be whole milliseconds/],
    ['dynamic=maybe', /dynamic must be true or false \(got "maybe"\)/],
    ['example=', /example needs a value: the name of one of the operation's examples/],
    ['example=""', /example needs a value/],
    ['code=200, code=404', /code is given twice \("200" and "404"\); give it once/],
  ])('%j is refused: %s', (header, problem) => {
    const parsed = parsePrefer(header);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});

/** An operation with just the responses given (status key → named examples). */
function fakeOperation(responses: Record<string, Record<string, unknown>>): Operation {
  const spec = (examples: Record<string, unknown>): ResponseSpec => ({
    mediaType: 'application/json',
    schema: {},
    example: null,
    examples: new Map(Object.entries(examples)),
    headers: [],
  });
  return {
    id: 'fakeOp',
    method: 'get',
    path: '/fake',
    expressPath: '/fake',
    params: [],
    body: null,
    responses: new Map(Object.keys(responses).map((k) => [k, {}])),
    responseSpecs: new Map(Object.entries(responses).map(([k, v]) => [k, spec(v)])),
  };
}

describe('declaredKey: which response a code selects', () => {
  const op = fakeOperation({ '200': {}, '404': {}, '4XX': {}, default: {} });
  const plain = fakeOperation({ '200': {}, '404': {} });

  it('the exact status, then its range, then default (never for a 1xx)', () => {
    expect(declaredKey(op, 404)).toBe('404');
    expect(declaredKey(op, 418)).toBe('4XX');
    expect(declaredKey(op, 503)).toBe('default');
    expect(declaredKey(op, 100)).toBeNull();
  });

  it('without a range or default, only declared statuses', () => {
    expect(declaredKey(plain, 200)).toBe('200');
    expect(declaredKey(plain, 201)).toBeNull();
  });
});

describe('selectResponse', () => {
  const op = fakeOperation({
    '200': { full: { a: 1 }, empty: { a: 0 } },
    '400': { bad: { m: 'x' }, full: { m: 'y' } },
    default: { fallback: { m: 'z' } },
  });

  it('example alone: the first status that has it', () => {
    expect(selectResponse(op, { example: 'full' })).toEqual({
      key: '200',
      status: 200,
      example: { value: { a: 1 } },
    });
    expect(selectResponse(op, { example: 'bad' })).toMatchObject({ key: '400', status: 400 });
  });

  it('code and example: that status’s example', () => {
    expect(selectResponse(op, { code: 400, example: 'full' })).toEqual({
      key: '400',
      status: 400,
      example: { value: { m: 'y' } },
    });
    expect(selectResponse(op, { code: 503, example: 'fallback' })).toMatchObject({
      key: 'default',
      status: 503,
    });
  });

  it('an unknown example names the examples there are', () => {
    expect(selectResponse(op, { example: 'nope' })).toEqual({
      problem:
        'example=nope is not an example of fakeOp; its examples are full (200), empty (200), bad (400), full (400), fallback (default)',
    });
    expect(selectResponse(op, { code: 400, example: 'empty' })).toEqual({
      problem:
        "example=empty is not an example of fakeOp's 400 response; that response's examples are bad, full",
    });
    // A `default` example is reached with a code only.
    expect(selectResponse(op, { example: 'fallback' })).toHaveProperty('problem');
  });

  it('an undeclared code names the declared ones', () => {
    const plain = fakeOperation({ '200': {}, '401': {} });
    expect(selectResponse(plain, { code: 404 })).toEqual({
      problem: 'code=404 is not a status fakeOp declares; it declares 200, 401',
    });
  });
});

describe('sampleBody: a deterministic body the schema accepts', () => {
  const schema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'at', 'n', 'tags'],
    properties: {
      id: { type: 'string', pattern: '^flow_[a-z0-9]{6}$' },
      at: { type: 'string', format: 'date-time' },
      n: { type: 'integer', minimum: 3, maximum: 9 },
      tags: { type: 'array', minItems: 2, items: { enum: ['a', 'b'] } },
      kind: { oneOf: [{ const: 'x' }, { const: 'y' }] },
    },
  };

  it('is valid and the same every time', () => {
    const first = sampleBody(schema);
    expect(makeAjv(false).compile(schema)(first)).toBe(true);
    expect(sampleBody(schema)).toEqual(first);
  });

  it('every schema-only response of the served contracts samples to a valid body', async () => {
    const ajv = makeAjv(false);
    let sampled = 0;
    for (const id of ['churnkey-hosted-flow', 'churnmock-admin', 'churncut', 'churnkey-data']) {
      const contract = await loadContract(contractFile(id));
      for (const op of contract.operations)
        for (const [status, spec] of op.responseSpecs) {
          if (!spec.schema || spec.example || spec.examples.size || Number(status) >= 400) continue;
          const validate = ajv.compile(spec.schema);
          const ok = validate(sampleBody(spec.schema));
          expect(validate.errors ?? [], `${op.id} ${status}`).toEqual([]);
          expect(ok).toBe(true);
          sampled++;
        }
    }
    expect(sampled).toBeGreaterThan(0);
  });
});

describe('the contract lists responses for Prefer (Operation.responseSpecs)', () => {
  let ops: Map<string, Operation>;
  beforeAll(async () => {
    const contract = await loadContract(contractFile('churncut'));
    ops = new Map(contract.operations.map((op) => [op.id, op]));
  });

  it('statuses in ascending order, with media type, example and declared headers', () => {
    const op = ops.get('createCancellationFlow') as Operation;
    expect([...op.responseSpecs.keys()]).toEqual([
      '200',
      '201',
      '400',
      '401',
      '405',
      '409',
      '413',
      '415',
      '429',
      '431',
      '500',
      '507',
    ]);
    const created = op.responseSpecs.get('201') as ResponseSpec;
    expect(created.mediaType).toBe('application/json');
    expect(created.example).toBeNull();
    expect(created.examples.get('start')).toMatchObject({ success: true });
    expect(created.headers.map((h) => [h.name, h.example?.value])).toEqual([
      ['X-RateLimit-Limit', 1000],
      ['X-RateLimit-Remaining', 999],
      ['X-RateLimit-Reset', 1705765560],
    ]);
    const limited = op.responseSpecs.get('429') as ResponseSpec;
    expect(limited.headers.map((h) => h.name)).toContain('Retry-After');
    // Existing fields are unchanged.
    expect(op.responses.get('201')).toEqual(created.schema);
  });
});
