import { type Contract, exampleOf, obj } from '../core/contract.ts';
import { commonPath } from '../core/served-api.ts';
import type { Credential, WebhookEventInfo } from '../core/vendor.ts';
import { ADMIN_TOKEN_HEADER } from './guard.ts';

/** A served vendor API as `GET /__admin/apis` describes it, before the base URL is known. */
export interface ServedApiSource {
  readonly id: string;
  readonly title: string;
  readonly prefixes: readonly string[];
  readonly contract: Contract;
  readonly webhookEvents: readonly WebhookEventInfo[];
  credentials(): readonly Credential[];
}

/** One operation of a served API, with a ready-made curl line. */
export interface ApiOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string | null;
  readonly curl: string;
}

/** A served API as `GET /__admin/apis` lists it (contracts/churnmock-admin.openapi.yaml `Api`). */
export interface ApiInfo {
  readonly id: string;
  readonly title: string;
  readonly baseUrl: string;
  readonly prefixes: readonly string[];
  readonly contract: string;
  readonly credentials: readonly Credential[];
  readonly operations: readonly ApiOperation[];
  /** The webhook events it sends (`POST /__admin/webhooks/trigger` takes each). */
  readonly webhookEvents: readonly WebhookEventInfo[];
}

/**
 * A parameter's or body's example: its own (exampleOf), else its schema's example, default or
 * first enum value.
 */
function exampleValue(o: Record<string, unknown>): unknown {
  const own = exampleOf(o);
  if (own) return own.value;
  const schema = obj(o.schema);
  if ('example' in schema) return schema.example;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  return undefined;
}

/** Quotes a shell word in single quotes (a quote inside becomes '\''). */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A curl line for one operation: its path parameters and required query parameters from the
 * contract's examples, the API's credential headers, and a JSON body example when it takes one.
 */
function curlOf(
  base: string,
  method: string,
  path: string,
  op: Record<string, unknown>,
  headers: readonly (readonly [string, string])[],
): string {
  const params = (op.parameters as unknown[] | undefined)?.map(obj) ?? [];
  let url = path;
  const query = new URLSearchParams();
  for (const p of params) {
    const value = exampleValue(p);
    if (p.in === 'path')
      url = url.replace(`{${String(p.name)}}`, encodeURIComponent(String(value ?? p.name)));
    else if (p.in === 'query' && p.required === true && value !== undefined)
      query.set(String(p.name), String(value));
  }
  const q = query.toString();
  const parts = ['curl'];
  if (method !== 'get') parts.push('-X', method.toUpperCase());
  parts.push(sh(`${base}${url}${q ? `?${q}` : ''}`));
  for (const [name, value] of headers) parts.push('-H', sh(`${name}: ${value}`));
  const media = obj(obj(obj(op.requestBody).content)['application/json']);
  if (Object.keys(media).length) {
    const body = exampleValue(media);
    parts.push('-H', sh('content-type: application/json'), '-d', sh(JSON.stringify(body ?? {})));
  }
  return parts.join(' ');
}

/** Every served API with its base URL (`base`, the address the caller used) and operations. */
export function describeApis(
  sources: readonly ServedApiSource[],
  base: string,
  adminToken: string | null,
): ApiInfo[] {
  return sources.map((s) => {
    const credentials = s.credentials();
    const headers: [string, string][] = credentials.flatMap((c) =>
      c.header ? [[c.header.name, c.header.value] as [string, string]] : [],
    );
    // An API under /__admin (the hosted flow's controls) needs the admin token, when one is set.
    if (adminToken !== null && s.prefixes.some((p) => p.startsWith('/__admin')))
      headers.push([ADMIN_TOKEN_HEADER, adminToken]);
    const operations: ApiOperation[] = s.contract.operations.map((o) => {
      const op = obj(obj(obj(s.contract.document.paths)[o.path])[o.method]);
      return {
        operationId: o.id,
        method: o.method.toUpperCase(),
        path: o.path,
        summary: typeof op.summary === 'string' ? op.summary : null,
        curl: curlOf(base, o.method, o.path, op, headers),
      };
    });
    return {
      id: s.id,
      title: s.title,
      baseUrl: `${base}${commonPath(s.prefixes)}`,
      prefixes: s.prefixes,
      contract: `${s.id}.openapi.yaml`,
      credentials,
      operations,
      webhookEvents: s.webhookEvents,
    };
  });
}
