import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { JsonSchema, Operation } from './contract.ts';

/** One problem with a request or response, in the words a user can act on. */
export interface Problem {
  readonly in: 'query' | 'body' | 'header' | 'path';
  readonly name: string;
  readonly message: string;
}

/** An ajv instance that understands our contracts (2020-12, formats, our keywords). */
export function makeAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: coerce,
    // Contracts use discriminator mappings for docs and Prism; ajv validates the plain oneOf.
    discriminator: false,
  });
  addFormats.default(ajv);
  // A contract's date parameter that its vendor reads as JavaScript's `new Date(x)` does
  // (the contract marks it `x-churnmock-js-date`, citing the vendor's document).
  ajv.addKeyword({
    keyword: 'x-churnmock-js-date',
    type: 'string',
    errors: false,
    validate: (enabled: boolean, value: string) =>
      !enabled || !Number.isNaN(new Date(value).getTime()),
  });
  return ajv;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'x-churnmock-js-date':
      return 'must be a date JavaScript can parse, e.g. 2023-01-01 or 2023-01-01T00:00:00Z';
    case 'additionalProperties':
      return `has an unexpected property "${String(e.params.additionalProperty)}"`;
    default:
      return e.message ?? 'is invalid';
  }
}

/**
 * Turns ajv errors into problems, one per distinct message. Request errors are over
 * `{query, path, body}` (the first path segment says where); with `root`, the whole instance
 * is that part (a response body).
 */
export function toProblems(
  errors: readonly ErrorObject[] | null | undefined,
  root?: Problem['in'],
): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const segments = e.instancePath.split('/').slice(1);
    const [where = 'body', ...rest] = root ? [root, ...segments] : segments;
    let name = rest.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
    if (e.keyword === 'required')
      name = [name, String(e.params.missingProperty)].filter(Boolean).join('.');
    const problem: Problem = {
      in: where as Problem['in'],
      name: name || where,
      message: describe(e),
    };
    const key = `${problem.in}|${problem.name}|${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  return out;
}

export interface RequestInput {
  query: Record<string, unknown>;
  path: Record<string, unknown>;
  body: unknown;
}

/** Validates a request in place (query/path coerced and defaulted); returns every problem. */
export type RequestValidator = (input: RequestInput) => Problem[];

/**
 * Compiles an operation's request validator: query and path parameters arrive as strings and
 * are coerced (`coercing`), the JSON body is taken as sent (`strict`), so `["a@b.co"]` is not
 * quietly read as `"a@b.co"`.
 */
export function compileRequestValidator(
  coercing: Ajv2020,
  strict: Ajv2020,
  op: Operation,
): RequestValidator {
  const group = (where: 'query' | 'path'): JsonSchema => {
    const params = op.params.filter((p) => p.in === where);
    return {
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      required: params.filter((p) => p.required).map((p) => p.name),
    };
  };
  const params = coercing.compile({
    type: 'object',
    properties: { query: group('query'), path: group('path') },
    required: ['query', 'path'],
  });
  const numeric = op.params.flatMap((p) => {
    const kind = numericKind(p.schema);
    return kind && (p.in === 'query' || p.in === 'path') ? [{ in: p.in, name: p.name, kind }] : [];
  });
  const body = op.body
    ? strict.compile({ type: 'object', properties: { body: op.body.schema } })
    : null;
  const checkBody = (input: RequestInput): Problem[] =>
    body && input.body !== undefined && !body({ body: input.body }) ? toProblems(body.errors) : [];
  return (input) => {
    // ajv's coercion reads `0x10`, `1e3`, ` 10`, `1.0` and `` as numbers (Number()); a number
    // in a URL is plain decimal digits, so anything else is refused, named once.
    const loose = looseNumbers(numeric, input);
    const named = new Set(loose.map((l) => `${l.in}|${l.name}`));
    const others = params(input)
      ? []
      : toProblems(params.errors).filter((p) => !named.has(`${p.in}|${p.name}`));
    return [...loose, ...others, ...checkBody(input)];
  };
}

const PLAIN = { integer: /^-?[0-9]+$/, number: /^-?[0-9]+(\.[0-9]+)?$/ } as const;

/** `integer` or `number` when a parameter's schema is that type (alone or with null). */
function numericKind(schema: JsonSchema): keyof typeof PLAIN | null {
  const t = (schema as { type?: unknown }).type;
  const types = Array.isArray(t) ? t : [t];
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  return null;
}

/** Numeric parameters sent as something other than plain decimal digits; the input is left as is. */
function looseNumbers(
  numeric: readonly { in: 'query' | 'path'; name: string; kind: keyof typeof PLAIN }[],
  input: RequestInput,
): Problem[] {
  const out: Problem[] = [];
  for (const p of numeric) {
    const value = input[p.in][p.name];
    if (typeof value !== 'string' || PLAIN[p.kind].test(value)) continue;
    out.push({
      in: p.in,
      name: p.name,
      message:
        p.kind === 'integer'
          ? 'must be an integer written in plain decimal digits, e.g. 10'
          : 'must be a number written in plain decimal digits, e.g. 10 or 2.5',
    });
  }
  return out;
}

/** Compiles response-body validators by status code, for tests and --validate-responses. */
export function compileResponseValidators(
  ajv: Ajv2020,
  op: Operation,
): Map<string, ValidateFunction> {
  const out = new Map<string, ValidateFunction>();
  for (const [status, schema] of op.responses) if (schema) out.set(status, ajv.compile(schema));
  return out;
}
