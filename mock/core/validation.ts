import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsPlugin from 'ajv-formats';
import type { JsonSchema, Operation } from './contract.ts';
import { precompiledValidator, type ValidatorMode } from './precompiled-validators.ts';

const require = createRequire(import.meta.url);

/**
 * ajv and its formats, loaded on first use: with the build's precompiled request validators a
 * default start compiles no schema, and loading ajv was ~45 ms of it (a twentieth).
 */
function ajvModules() {
  const ajv = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = require('ajv-formats') as typeof addFormatsPlugin;
  return { Ajv2020: ajv.Ajv2020, _: ajv._, addFormats: formats.default };
}

/** An Ajv, or how to get one when it is first needed. */
export type AjvSource = Ajv2020 | (() => Ajv2020);
const ajvOf = (s: AjvSource): Ajv2020 => (typeof s === 'function' ? s() : s);

/** One problem with a request or response, in the words a user can act on. */
export interface Problem {
  readonly in: 'query' | 'body' | 'header' | 'path';
  readonly name: string;
  readonly message: string;
}

/**
 * An ajv instance that understands our contracts (2020-12, formats). `validateSchema`: check
 * each schema against the 2020-12 meta-schema as it compiles (compiling the meta-schema first).
 * `standalone`: its validators keep their source, for standalone code (write-validators.ts)
 * that takes the formats from ajv-formats as this instance does.
 */
export function makeAjv(coerce: boolean, validateSchema = true, standalone = false): Ajv2020 {
  const { Ajv2020, _, addFormats } = ajvModules();
  const ajv = new Ajv2020({
    ...(standalone
      ? { code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } }
      : {}),
    validateSchema,
    strict: false,
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: coerce,
    // Contracts use discriminator mappings for docs and Prism; ajv validates the plain oneOf.
    discriminator: false,
    // Errors carry their schema, so a refused `pattern` is explained by the schema's `title`.
    verbose: true,
  });
  addFormats(ajv);
  return ajv;
}

const shared = new Map<boolean, Ajv2020>();

/**
 * One Ajv per coercion mode for every operation's validators: each new Ajv compiles the
 * JSON Schema 2020-12 meta-schema again (most of start-up's CPU when each operation had its
 * own). Operations' schemas carry no `$id`, so they never collide in one instance. They only
 * compile churnmock's own schemas (its contracts and the hosted flow's), so they skip checking
 * each against the meta-schema (its compile was most of the first request's time): the tests
 * compile every one of them with the check on (test/core/schemas-valid.test.ts).
 */
export function sharedAjv(coerce: boolean): Ajv2020 {
  let ajv = shared.get(coerce);
  if (!ajv) {
    ajv = makeAjv(coerce, false);
    shared.set(coerce, ajv);
  }
  return ajv;
}

function describe(e: ErrorObject, schema?: JsonSchema): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern': {
      // A long pattern (a calendar, a list without repeats) says nothing to a reader; a
      // schema that has one says in its `title` what it accepts.
      const title = (e.parentSchema as { title?: unknown } | undefined)?.title;
      return typeof title === 'string' ? `must be ${title}` : (e.message ?? 'is invalid');
    }
    case 'additionalProperties': {
      const allowed = Object.keys(propertiesAt(schema, e.schemaPath) ?? {});
      return `has an unexpected property "${String(e.params.additionalProperty)}"${allowed.length ? ` (it takes ${allowed.map((p) => `"${p}"`).join(', ')})` : ''}`;
    }
    default:
      return e.message ?? 'is invalid';
  }
}

/** The `properties` of the schema holding the keyword at `schemaPath` (`#/properties/body/additionalProperties`). */
function propertiesAt(schema: JsonSchema | undefined, schemaPath: string): object | undefined {
  let at: unknown = schema;
  for (const segment of schemaPath.split('/').slice(1, -1))
    at = (at as Record<string, unknown> | undefined)?.[
      segment.replace(/~1/g, '/').replace(/~0/g, '~')
    ];
  const properties = (at as { properties?: unknown } | undefined)?.properties;
  return properties && typeof properties === 'object' ? properties : undefined;
}

/**
 * Turns ajv errors into problems, one per distinct message. Request errors are over
 * `{query, path, body}` (the first path segment says where); with `root`, the whole instance
 * is that part (a response body). With the `schema` validated, an unexpected property's
 * problem names the properties the object takes.
 */
export function toProblems(
  errors: readonly ErrorObject[] | null | undefined,
  root?: Problem['in'],
  schema?: JsonSchema,
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
      message: describe(e, schema),
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
 * What an operation's request validator checks: its query and path parameters (`params`, of
 * `{query, path}`), and its JSON body (of `{body}`; null when it takes none).
 */
export function requestSchemas(op: Operation): { params: JsonSchema; body: JsonSchema | null } {
  const group = (where: 'query' | 'path'): JsonSchema => {
    const params = op.params.filter((p) => p.in === where);
    return {
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      required: params.filter((p) => p.required).map((p) => p.name),
    };
  };
  return {
    params: {
      type: 'object',
      properties: { query: group('query'), path: group('path') },
      required: ['query', 'path'],
    },
    body: op.body && { type: 'object', properties: { body: op.body.schema } },
  };
}

/**
 * Compiles an operation's request validator: query and path parameters arrive as strings and
 * are coerced (`coercing`), the JSON body is taken as sent (`strict`), so `["a@b.co"]` is not
 * quietly read as `"a@b.co"`.
 */
export function compileRequestValidator(
  coercing: AjvSource,
  strict: AjvSource,
  op: Operation,
  precompiled: (
    mode: ValidatorMode,
    schema: JsonSchema,
  ) => ValidateFunction | null = precompiledValidator,
): RequestValidator {
  const schemas = requestSchemas(op);
  // The build's standalone code for these very schemas, else compiled now.
  const params = precompiled('coercing', schemas.params) ?? ajvOf(coercing).compile(schemas.params);
  const bodySchema = schemas.body;
  const body =
    bodySchema && (precompiled('strict', bodySchema) ?? ajvOf(strict).compile(bodySchema));
  const numeric = op.params.flatMap((p) => {
    const kind = numericKind(p.schema);
    return kind && (p.in === 'query' || p.in === 'path') ? [{ in: p.in, name: p.name, kind }] : [];
  });
  const checkBody = (input: RequestInput): Problem[] =>
    body && input.body !== undefined && !body({ body: input.body })
      ? toProblems(body.errors, undefined, bodySchema ?? undefined)
      : [];
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

/** Response validators by status code, each compiled when its status is first answered. */
export interface ResponseValidators {
  get(status: string): ValidateFunction | undefined;
}

/** compileResponseValidators, compiled on first use (start-up compiles none). */
export function lazyResponseValidators(ajv: AjvSource, op: Operation): ResponseValidators {
  const compiled = new Map<string, ValidateFunction>();
  return {
    get(status) {
      const schema = op.responses.get(status);
      if (!schema) return undefined;
      let validate = compiled.get(status);
      if (!validate) {
        validate = ajvOf(ajv).compile(schema);
        compiled.set(status, validate);
      }
      return validate;
    },
  };
}

/**
 * compileRequestValidator, compiled on the operation's first request: start-up compiles
 * none (every operation's at once was a fifth of the default start), a first call costs a
 * few milliseconds.
 */
export function lazyRequestValidator(
  coercing: AjvSource,
  strict: AjvSource,
  op: Operation,
): RequestValidator {
  let compiled: RequestValidator | null = null;
  return (input) => {
    compiled ??= compileRequestValidator(coercing, strict, op);
    return compiled(input);
  };
}
