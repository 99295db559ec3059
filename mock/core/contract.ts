import { readFileSync } from 'node:fs';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import { parse } from 'yaml';

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
}

export interface Contract {
  readonly file: string;
  readonly title: string;
  readonly document: JsonSchema;
  readonly operations: readonly Operation[];
}

const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

function jsonBodySchema(content: unknown): JsonSchema | null {
  const media = obj(content);
  const json = media['application/json'] ?? media['application/problem+json'];
  const schema = obj(json).schema;
  return schema ? (schema as JsonSchema) : null;
}

/** Loads and dereferences an OpenAPI file and lists its operations. Done once, at start-up. */
export async function loadContract(file: string): Promise<Contract> {
  const raw = parse(readFileSync(file, 'utf8')) as JsonSchema;
  const document = (await $RefParser.dereference(structuredClone(raw))) as JsonSchema;
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
      });
    }
  }
  return { file, title: String(obj(document.info).title), document, operations };
}
