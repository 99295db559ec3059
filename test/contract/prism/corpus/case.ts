/**
 * One request of the Prism corpus. `{name}` in the path or a body string is replaced by the
 * value `state` (a provider state, set up first) returned. `violations` lists where Prism must
 * find the request invalid (`query.limit`, `body`, `security`); none means a valid request.
 */
export interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly state?: string;
  readonly status: number;
  readonly violations?: readonly string[];
}

/** The requests replayed through `prism proxy contracts/<contract>`. */
export interface Corpus {
  readonly contract: string;
  /** What Prism proxies to: the mock (default), or the reference Customer Data Endpoint. */
  readonly upstream?: 'mock' | 'reference-endpoint';
  readonly cases: readonly Case[];
}

type More = Partial<Pick<Case, 'headers' | 'state' | 'violations'>>;

export const get = (name: string, path: string, status: number, more: More = {}): Case => ({
  name,
  method: 'GET',
  path,
  status,
  ...more,
});

/** A case with a JSON body, for one method. */
const withBody =
  (method: 'POST' | 'PUT') =>
  (name: string, path: string, body: unknown, status: number, more: More = {}): Case => ({
    name,
    method,
    path,
    body,
    status,
    ...more,
  });

export const post = withBody('POST');

/** A DELETE without a body. */
export const del = (name: string, path: string, status: number, more: More = {}): Case => ({
  name,
  method: 'DELETE',
  path,
  status,
  ...more,
});
export const put = withBody('PUT');
