// How the dashboard talks to the mock: the admin API (with the admin token when one is set)
// and the vendor APIs (with their credentials). Every call carries X-Churnmock-Dashboard: 1,
// so the Requests page can leave the dashboard's own calls out.

const TOKEN_KEY = 'churnmock-admin-token';
export const DASHBOARD_HEADER = 'X-Churnmock-Dashboard';

/** Takes `?token=` from the address (then drops it from the bar) into this tab's storage. */
export function takeTokenFromUrl() {
  const url = new URL(location.href);
  const t = url.searchParams.get('token');
  if (t === null) return;
  sessionStorage.setItem(TOKEN_KEY, t);
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

export const adminToken = () => sessionStorage.getItem(TOKEN_KEY);

export function setAdminToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer other than 2xx: its status and body (the mock's `message` when it has one). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body === 'object' && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const listeners = new Set();
/** Told when the admin API asks for the token (a 401). */
export function onTokenNeeded(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function withQuery(path, query) {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function call(path, { method = 'GET', query, body, headers = {}, signal } = {}) {
  const h = { [DASHBOARD_HEADER]: '1', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(withQuery(path, query), {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** An admin API call; resolves with the JSON body, rejects with an ApiError. */
export async function admin(path, options = {}) {
  const token = adminToken();
  const headers = token ? { 'X-Churnmock-Admin-Token': token } : {};
  const res = await call(path, { ...options, headers: { ...headers, ...options.headers } });
  if (res.status === 401) for (const fn of listeners) fn();
  if (res.status < 200 || res.status > 299) throw new ApiError(res.status, res.body);
  return res.body;
}

/** A vendor API call with an API's credential headers (from GET /__admin/apis). */
export async function vendor(api, path, query) {
  const headers = {};
  for (const c of api.credentials) if (c.header) headers[c.header.name] = c.header.value;
  const res = await call(path, { query, headers });
  if (res.status < 200 || res.status > 299) throw new ApiError(res.status, res.body);
  return res.body;
}
