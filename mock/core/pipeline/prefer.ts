import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { HeaderSpec, JsonSchema, Operation, ResponseSpec } from '../contract.ts';
import type { Scheduler } from '../time/scheduler.ts';
import { sharedAjv } from '../validation.ts';
import { holdReply, JSON_TYPE, type Reply, send, sendResult } from './send.ts';
import type { HandlerResult, VendorModule } from './types.ts';
import { invalidRequest } from './validate.ts';

/** openapi-sampler, loaded on the first generated example (a start that makes none skips it). */
let sampler: typeof import('openapi-sampler') | null = null;
const sample: typeof import('openapi-sampler')['sample'] = (...args) => {
  sampler ??= createRequire(import.meta.url)('openapi-sampler') as typeof import('openapi-sampler');
  return sampler.sample(...args);
};

/**
 * Prism's `Prefer` request header (docs.stoplight.io, Prism "Modifying Responses"), so tools and
 * habits from Prism work unchanged: `Prefer: code=404`, `Prefer: example=<name>`,
 * `Prefer: code=429, delay=2000`. With `code` or `example` the operation's handler does not run
 * (nothing changes) and the answer is built from the contract; `delay` holds the answer back.
 */

/** What a `Prefer` header asks for; every field is optional. */
export interface Preferences {
  /** The status to answer: one the operation declares. */
  readonly code?: number;
  /** The named example to answer (`examples: {name: {value}}` of a response). */
  readonly example?: string;
  /** Milliseconds to hold the answer back, 0–MAX_PREFER_DELAY_MS. */
  readonly delay?: number;
  /** Prism's static/dynamic switch: accepted and ignored (answers are always the same). */
  readonly dynamic?: boolean;
}

/** The longest `delay` a request may ask for, ms (as stub mappings' delays). */
export const MAX_PREFER_DELAY_MS = 60_000;

/** A parsed header, or the problem with it (a sentence naming what is accepted). */
export type ParsedPrefer = { readonly preferences: Preferences } | { readonly problem: string };

const ACCEPTED = {
  code: 'an HTTP status from 100 to 599, e.g. code=404',
  example: "the name of one of the operation's examples, e.g. example=notFound",
  delay: `whole milliseconds from 0 to ${MAX_PREFER_DELAY_MS}, e.g. delay=2000`,
  dynamic: 'true or false',
} as const;

type Key = keyof typeof ACCEPTED;

const isKey = (k: string): k is Key => Object.hasOwn(ACCEPTED, k);

/** The header's preferences, split on `,` and `;` outside double quotes. */
function splitPreferences(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i] as string;
    if (quoted && c === '\\' && i + 1 < header.length) {
      current += c + header[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ',' || c === ';')) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unquote = (v: string): string =>
  v.length >= 2 && v.startsWith('"') && v.endsWith('"')
    ? v.slice(1, -1).replace(/\\(.)/g, '$1')
    : v;

/**
 * Parses a `Prefer` header strictly: `key=value` pairs separated by commas or semicolons, keys
 * in any case, spaces around them and around `=` allowed, values optionally double-quoted.
 * `code`, `example`, `delay` and `dynamic` are read; any other preference (`return=minimal`,
 * `respond-async`) is ignored, as Prism ignores it. A known key without a valid value, or given
 * twice, is a problem naming what it takes.
 */
export function parsePrefer(header: string | readonly string[] | undefined): ParsedPrefer {
  if (header === undefined) return { preferences: {} };
  const text = typeof header === 'string' ? header : header.join(', ');
  const seen = new Map<Key, string>();
  for (const part of splitPreferences(text)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!isKey(key)) continue;
    const value = eq < 0 ? null : unquote(part.slice(eq + 1).trim());
    if (value === null || value === '')
      return { problem: `${key} needs a value: ${ACCEPTED[key]}` };
    const before = seen.get(key);
    if (before !== undefined)
      return { problem: `${key} is given twice ("${before}" and "${value}"); give it once` };
    seen.set(key, value);
  }
  const preferences: { code?: number; example?: string; delay?: number; dynamic?: boolean } = {};
  for (const [key, value] of seen) {
    const bad = { problem: `${key} must be ${ACCEPTED[key]} (got ${JSON.stringify(value)})` };
    if (key === 'code') {
      if (!/^\d{3}$/.test(value) || Number(value) < 100 || Number(value) > 599) return bad;
      preferences.code = Number(value);
    } else if (key === 'delay') {
      if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_PREFER_DELAY_MS) return bad;
      preferences.delay = Number(value);
    } else if (key === 'dynamic') {
      if (!/^(true|false)$/i.test(value)) return bad;
      preferences.dynamic = value.toLowerCase() === 'true';
    } else preferences.example = value;
  }
  return { preferences };
}

/** The response keys of the operation that `code` selects: exact, its range (`4XX`), `default`. */
export function declaredKey(op: Operation, code: number): string | null {
  const specs = op.responseSpecs;
  if (specs.has(String(code))) return String(code);
  const range = [...specs.keys()].find((k) => k.toUpperCase() === `${String(code)[0]}XX`);
  if (range) return range;
  // A `default` response covers every final status the others do not (never a 1xx).
  return code >= 200 && specs.has('default') ? 'default' : null;
}

/** The statuses the operation declares, as a message lists them. */
const declaredCodes = (op: Operation) => [...op.responseSpecs.keys()].join(', ');

/** Every named example of the operation with its status, as a message lists them. */
function exampleList(op: Operation): string {
  const all = [...op.responseSpecs].flatMap(([status, spec]) =>
    [...spec.examples.keys()].map((name) => `${name} (${status})`),
  );
  return all.length ? `its examples are ${all.join(', ')}` : 'it has no named examples';
}

/** The status a response key answers with when `code` did not say. */
const statusOf = (key: string): number | null => (/^\d{3}$/.test(key) ? Number(key) : null);

/** What to answer: the response key, its status and, when `example` names one, its value. */
type Selection =
  | { readonly key: string; readonly status: number; readonly example: { value: unknown } | null }
  | { readonly problem: string };

/** Picks the response `code` and/or `example` ask for, or the problem with them. */
export function selectResponse(op: Operation, prefs: Preferences): Selection {
  const { code, example } = prefs;
  if (code !== undefined) {
    const key = declaredKey(op, code);
    if (key === null)
      return {
        problem: `code=${code} is not a status ${op.id} declares; it declares ${declaredCodes(op)}`,
      };
    if (example === undefined) return { key, status: code, example: null };
    const spec = op.responseSpecs.get(key) as ResponseSpec;
    if (spec.examples.has(example))
      return { key, status: code, example: { value: spec.examples.get(example) } };
    const own = [...spec.examples.keys()];
    return {
      problem: `example=${example} is not an example of ${op.id}'s ${key} response; ${
        own.length
          ? `that response's examples are ${own.join(', ')}`
          : `that response has none, and ${exampleList(op)}`
      }`,
    };
  }
  if (example === undefined) return { problem: 'neither code nor example is given' };
  for (const [key, spec] of op.responseSpecs) {
    const status = statusOf(key);
    if (status !== null && spec.examples.has(example))
      return { key, status, example: { value: spec.examples.get(example) } };
  }
  return { problem: `example=${example} is not an example of ${op.id}; ${exampleList(op)}` };
}

/** A validator of `schema`, or null when it cannot be compiled. */
function validatorOf(schema: JsonSchema): ValidateFunction | null {
  try {
    return sharedAjv(false).compile(schema);
  } catch {
    return null;
  }
}

const isNullSchema = (s: unknown): boolean =>
  typeof s === 'object' &&
  s !== null &&
  (s as JsonSchema).type === 'null' &&
  Object.keys(s).length === 1;

/**
 * The schema without its `null` alternatives (`oneOf`/`anyOf` branches `{type: null}`, `null`
 * in a type list), where another remains: the sampler does not always pick a branch that
 * validates, and a value is the likelier answer. Cycles of a dereferenced schema are kept.
 */
function withoutNull(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const known = seen.get(schema);
  if (known) return known;
  if (Array.isArray(schema)) {
    const list: unknown[] = [];
    seen.set(schema, list);
    for (const item of schema) list.push(withoutNull(item, seen));
    return list;
  }
  const out: Record<string, unknown> = {};
  seen.set(schema, out);
  for (const [k, v] of Object.entries(schema)) out[k] = withoutNull(v, seen);
  for (const k of ['oneOf', 'anyOf']) {
    const branches = out[k];
    if (!Array.isArray(branches)) continue;
    const values = branches.filter((b) => !isNullSchema(b));
    if (values.length === 0 || values.length === branches.length) continue;
    if (values.length === 1 && typeof values[0] === 'object') {
      delete out[k];
      Object.assign(out, values[0]);
    } else out[k] = values;
  }
  if (Array.isArray(out.type)) {
    const types = out.type.filter((t) => t !== 'null');
    if (types.length) out.type = types.length === 1 ? types[0] : types;
  }
  return out;
}

/**
 * A body generated from a response schema, the same every time (openapi-sampler, Redoc's
 * sampler): with every property, else without `null` alternatives, else with the required
 * properties only, whichever the schema accepts first (the first sample when none is).
 */
export function sampleBody(schema: JsonSchema): unknown {
  const validate = validatorOf(schema);
  let first: unknown;
  let stripped: unknown;
  for (const skipNonRequired of [false, true])
    for (const strip of [false, true]) {
      let value: unknown;
      try {
        stripped ??= strip ? withoutNull(schema) : undefined;
        const input = strip ? stripped : schema;
        value = sample(input as never, { skipNonRequired, quiet: true, enablePatterns: true });
      } catch {
        continue;
      }
      if (!validate || validate(value)) return value;
      first ??= value;
    }
  return first ?? null;
}

/** A header's value as sent: strings as they are, lists joined with commas, others as JSON. */
function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(headerText).join(',');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A declared header's value: its example, its schema's, else one sampled from its schema. */
function headerValue(h: HeaderSpec): string | null {
  if (h.example) return headerText(h.example.value);
  const value = sampleBody(h.schema);
  return value === null || value === undefined ? null : headerText(value);
}

/** The content type of a media type as the mock writes it (JSON with its charset). */
const contentType = (mediaType: string) =>
  mediaType === 'application/json'
    ? JSON_TYPE
    : /json$/i.test(mediaType)
      ? `${mediaType}; charset=utf-8`
      : mediaType;

/** Statuses that never carry a body. */
const NO_BODY = new Set([204, 205, 304]);

/**
 * Builds the answers of one operation's `Prefer` requests: what depends on the contract alone
 * (sampled bodies and header values) is made once per response, on first use.
 */
class Answers {
  readonly #vendor: VendorModule;
  readonly #op: Operation;
  readonly #sampled = new Map<string, unknown>();
  readonly #headers = new Map<string, readonly (readonly [string, string])[]>();

  constructor(vendor: VendorModule, op: Operation) {
    this.#vendor = vendor;
    this.#op = op;
  }

  /**
   * The reply for a selection. Body: the chosen example, else the response's `example` (or its
   * first named one), else for an error status the vendor's own error answer, else one sampled
   * from the schema; none for 204/304 or a response without content. Headers: the declared
   * ones with a value (the vendor's own for an error status, and those the response already
   * has, e.g. a rate limiter's, win), and the declared media type.
   */
  reply(
    selection: { key: string; status: number; example: { value: unknown } | null },
    present: (name: string) => boolean,
  ): Reply {
    const { key, status } = selection;
    const spec = this.#op.responseSpecs.get(key) as ResponseSpec;
    const vendorError =
      status >= 400
        ? vendorErrorAnswer(
            this.#vendor,
            status,
            `${STATUS_CODES[status] ?? 'Error'} (Prefer: code=${status})`,
          )
        : null;
    const own = new Map(
      Object.entries(vendorError?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const list: string[] = [];
    for (const [name, value] of this.#declaredHeaders(key, spec))
      if (!own.has(name) && !present(name)) list.push(name, value);
    for (const [name, value] of own) list.push(name, value);
    if (spec.mediaType === null || NO_BODY.has(status))
      return { status, headers: list, body: null };

    // A vendor error that brings headers of its own (a ChurnCut 429's Retry-After) answers with
    // its own body too, so the two agree; a named example is always what was asked for.
    const ownHeaders = own.size > 0;
    const chosen = selection.example ?? (ownHeaders ? null : (spec.example ?? firstExample(spec)));
    let body: unknown;
    if (chosen) body = chosen.value;
    else if (vendorError) body = vendorError.body;
    else if (spec.schema) body = this.#sample(key, spec.schema);
    else return { status, headers: list, body: null };
    const json = /json$/i.test(spec.mediaType);
    if (!json && typeof body !== 'string') return { status, headers: list, body: null };
    return {
      status,
      headers: ['content-type', contentType(spec.mediaType), ...list],
      body: json ? JSON.stringify(body) : (body as string),
    };
  }

  #sample(key: string, schema: JsonSchema): unknown {
    if (!this.#sampled.has(key)) this.#sampled.set(key, sampleBody(schema));
    return this.#sampled.get(key);
  }

  /**
   * The declared headers with their values, lower-cased. The mock's own `X-Churnmock-*`
   * diagnostics are left out: they describe a real request (ignored parameters, why
   * credentials failed) and are sent only when they apply.
   */
  #declaredHeaders(key: string, spec: ResponseSpec): readonly (readonly [string, string])[] {
    let headers = this.#headers.get(key);
    if (!headers) {
      headers = spec.headers
        .map((h) => [h.name.toLowerCase(), h] as const)
        .filter(([name]) => name !== 'content-type' && !name.startsWith('x-churnmock-'))
        .flatMap(([name, h]) => {
          const value = headerValue(h);
          return value === null ? [] : [[name, value] as const];
        });
      this.#headers.set(key, headers);
    }
    return headers;
  }
}

const firstExample = (spec: ResponseSpec): { value: unknown } | null => {
  for (const value of spec.examples.values()) return { value };
  return null;
};

/** The vendor's own answer for an error status: `stubError`, or its envelope alone. */
function vendorErrorAnswer(vendor: VendorModule, status: number, message: string): HandlerResult {
  return vendor.stubError?.(status, message) ?? { status, body: vendor.errorBody(status, message) };
}

/** A refusal of the header: a 400 in the vendor's shape naming the `Prefer` header. */
const refusal = (vendor: VendorModule, message: string): HandlerResult =>
  invalidRequest(vendor, [{ in: 'header', name: 'Prefer', message }]);

/**
 * The stage, compiled for one operation: reads the request's `Prefer` header. True when it
 * answered (a contract answer for `code`/`example`, or a 400 for a bad header); false to go
 * on, with the answer held back by `delay` when it asks for one.
 */
export function preferStage(
  vendor: VendorModule,
  op: Operation,
  scheduler: Scheduler,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const answers = new Answers(vendor, op);
  return (req, res) => {
    const header = req.headers.prefer;
    if (header === undefined) return false;
    const parsed = parsePrefer(header);
    if ('problem' in parsed) {
      sendResult(res, refusal(vendor, parsed.problem));
      return true;
    }
    const prefs = parsed.preferences;
    if (prefs.delay) {
      const ms = prefs.delay;
      holdReply(res, (write) => {
        scheduler.setTimeout(() => {
          if (!res.destroyed && !res.writableEnded) write();
        }, ms);
      });
    }
    if (prefs.code === undefined && prefs.example === undefined) return false;
    const selection = selectResponse(op, prefs);
    if ('problem' in selection) sendResult(res, refusal(vendor, selection.problem));
    else
      send(
        res,
        answers.reply(selection, (name) => res.hasHeader(name)),
      );
    return true;
  };
}
