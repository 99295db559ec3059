/** What every client here needs from a failed call: the status and the vendor's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Query string from defined values only (an integration never sends `limit=undefined`). */
export function query(params: Readonly<Record<string, string | number | boolean | undefined>>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Sends a request and parses JSON; a non-2xx answer becomes an ApiError via `describe`. */
export async function requestJson<T>(
  url: string,
  init: RequestInit,
  describe: (status: number, body: unknown) => string,
): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, describe(res.status, body), body);
  return { status: res.status, headers: res.headers, body: body as T };
}
