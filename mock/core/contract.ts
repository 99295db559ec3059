import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseYaml, readParsedCopy, readParsedYaml, writeParsedYaml } from './parsed-yaml.ts';
import { codeDir } from './paths.ts';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One parameter of an operation, as the contract declares it. */
export interface ParamSpec {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** One operation of a contract, with everything the pipeline needs, resolved once. */
export interface Operation {
  readonly id: string;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. `/v1/customers/{id}`. */
  readonly path: string;
  /** The same path in Express syntax, e.g. `/v1/customers/:id`. */
  readonly expressPath: string;
  readonly params: readonly ParamSpec[];
  readonly body: { readonly required: boolean; readonly schema: JsonSchema } | null;
  /** Response body schema by status code ("200", "400", "default"). */
  readonly responses: ReadonlyMap<string, JsonSchema | null>;
  /**
   * Every declared response by status code, in ascending order (then ranges such as "4XX",
   * then "default"): media type, examples and headers, for answers built from the contract
   * (`Prefer: code=` / `example=`).
   */
  readonly responseSpecs: ReadonlyMap<string, ResponseSpec>;
}

/** One declared response of an operation. */
export interface ResponseSpec {
  /** The media type it answers (a JSON one when it has one); null: a response without content. */
  readonly mediaType: string | null;
  readonly schema: JsonSchema | null;
  /** The media type's `example`, when it has one. */
  readonly example: { readonly value: unknown } | null;
  /** The media type's named `examples` (those with a `value`), in the contract's order. */
  readonly examples: ReadonlyMap<string, unknown>;
  /** The headers it declares, in the contract's order. */
  readonly headers: readonly HeaderSpec[];
}

/** One header a response declares. */
export interface HeaderSpec {
  /** As the contract spells it (`X-RateLimit-Limit`). */
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
  /** The header's `example` (or first of `examples`), when it has one. */
  readonly example: { readonly value: unknown } | null;
}

export interface Contract {
  readonly file: string;
  readonly title: string;
  readonly document: JsonSchema;
  readonly operations: readonly Operation[];
}

const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** A value as an object's fields (`{}` for anything that is not an object). */
export const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

const isJsonType = (type: string) => /^application\/(?:[\w.+-]+\+)?json$/i.test(type);

/** The example of an object with `example` / `examples` (a map of `{value}`, or a list). */
export function exampleOf(o: Record<string, unknown>): { value: unknown } | null {
  if ('example' in o) return { value: o.example };
  const examples = o.examples;
  if (Array.isArray(examples)) return examples.length ? { value: examples[0] } : null;
  for (const e of Object.values(obj(examples)))
    if ('value' in obj(e)) return { value: obj(e).value };
  return null;
}

/** Orders response keys: statuses ascending, a range ("4XX") after its statuses, "default" last. */
function statusRank(key: string): number {
  if (/^\d{3}$/.test(key)) return Number(key);
  if (/^[1-5]XX$/i.test(key)) return Number(key[0]) * 100 + 99.5;
  return 1000;
}

function responseSpec(response: Record<string, unknown>): ResponseSpec {
  const content = obj(response.content);
  const types = Object.keys(content);
  const mediaType = types.find(isJsonType) ?? types[0] ?? null;
  const media = mediaType === null ? {} : obj(content[mediaType]);
  const examples = new Map<string, unknown>();
  for (const [name, e] of Object.entries(obj(media.examples)))
    if ('value' in obj(e)) examples.set(name, obj(e).value);
  const headers = Object.entries(obj(response.headers)).map(([name, h]): HeaderSpec => {
    const header = obj(h);
    const schema = obj(header.schema);
    return {
      name,
      required: header.required === true,
      schema,
      example: exampleOf(header) ?? exampleOf(schema),
    };
  });
  return {
    mediaType,
    schema: media.schema ? (media.schema as JsonSchema) : null,
    example: 'example' in media ? { value: media.example } : null,
    examples,
    headers,
  };
}

function jsonBodySchema(content: unknown): JsonSchema | null {
  const media = obj(content);
  const json = media['application/json'] ?? media['application/problem+json'];
  const schema = obj(json).schema;
  return schema ? (schema as JsonSchema) : null;
}

/**
 * Where the build keeps each contract's YAML already parsed (`dist/contracts/`): from the
 * build's `dist/mock/core/` that folder; from the sources, the contracts folder itself, which
 * holds no parsed copies.
 */
export const PARSED_CONTRACTS = codeDir('contracts');

const parsedName = (file: string) => basename(file).replace(/\.ya?ml$/, '.parsed.json');

/** A document with every `$ref` replaced by what it points to (the ref parser loads on first use). */
async function dereference(document: unknown): Promise<JsonSchema> {
  const { default: $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  return (await $RefParser.dereference(document as JsonSchema)) as JsonSchema;
}

/** The contract files in `dir` (`<id>.openapi.yaml`), by name. */
export const contractFiles = (dir: string): string[] =>
  readdirSync(dir).filter((f) => /\.openapi\.ya?ml$/.test(f));

/**
 * Writes every contract of `from` parsed to JSON into `into` with the hash of its text, and
 * dereferenced (the build does, so a start reads JSON instead of parsing YAML and resolving
 * `$ref`s: together a quarter of the default start).
 */
export async function writeParsedContracts(from: string, into: string): Promise<string[]> {
  const written: string[] = [];
  for (const name of contractFiles(from)) {
    const out = join(into, parsedName(name));
    await writeParsedYaml(join(from, name), out, async (document) => ({
      dereferenced: await dereference(document),
    }));
    written.push(out);
  }
  return written;
}

/**
 * A contract file's YAML, parsed: the build's parsed copy when it was made from this very
 * text (its hash matches), else parsed now. An edited contract is never read stale.
 */
export function parseContractFile(file: string, parsed: string = PARSED_CONTRACTS): JsonSchema {
  const document = readParsedYaml(file, join(parsed, parsedName(file)));
  return (document && typeof document === 'object' ? document : {}) as JsonSchema;
}

/**
 * A contract file dereferenced: the build's copy when it was made from this very text, else
 * parsed and dereferenced now.
 */
export async function dereferencedContract(
  file: string,
  parsed: string = PARSED_CONTRACTS,
): Promise<JsonSchema> {
  const text = readFileSync(file, 'utf8');
  const copy = readParsedCopy(text, join(parsed, parsedName(file)));
  const built = copy?.dereferenced;
  if (built && typeof built === 'object') return built as JsonSchema;
  return dereference(copy ? copy.document : parseYaml(text));
}

/** Loads and dereferences an OpenAPI file and lists its operations. Done once, at start-up. */
export async function loadContract(file: string): Promise<Contract> {
  const document = await dereferencedContract(file);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(obj(document.paths))) {
    const pathItem = obj(item);
    for (const method of METHODS) {
      const op = obj(pathItem[method]);
      if (!pathItem[method]) continue;
      const params = [
        ...((pathItem.parameters as unknown[]) ?? []),
        ...((op.parameters as unknown[]) ?? []),
      ]
        .map(obj)
        .map((p) => ({
          name: String(p.name),
          in: p.in as ParamSpec['in'],
          required: p.required === true,
          schema: obj(p.schema),
        }));
      const requestBody = op.requestBody ? obj(op.requestBody) : null;
      const responses = new Map<string, JsonSchema | null>();
      for (const [status, response] of Object.entries(obj(op.responses))) {
        responses.set(status, jsonBodySchema(obj(response).content));
      }
      const responseSpecs = new Map(
        Object.entries(obj(op.responses))
          .sort(([a], [b]) => statusRank(a) - statusRank(b))
          .map(([status, response]) => [status, responseSpec(obj(response))] as const),
      );
      operations.push({
        id: String(op.operationId),
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        params,
        body: requestBody
          ? {
              required: requestBody.required === true,
              schema: jsonBodySchema(requestBody.content) ?? {},
            }
          : null,
        responses,
        responseSpecs,
      });
    }
  }
  return { file, title: String(obj(document.info).title), document, operations };
}
