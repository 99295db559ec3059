import { toProblems } from '../../core/validation.ts';
import { type CustomerAttributes, customerDataValidator } from './index.ts';
import { signCustomerId } from './signature.ts';

/** One call to a Customer Data Endpoint, as Churnkey makes it (Churnkey's docs on the endpoint). */
export interface CustomerDataCall {
  readonly url: string;
  readonly apiKey: string;
  readonly customerId: string;
  /** Defaults to the correct signature; a string forges one, `null` leaves it out. */
  readonly signature?: string | null;
  /** The whole call (connect, headers and body) must finish within this. */
  readonly timeoutMs: number;
  readonly fetchImpl?: typeof fetch;
}

/** Why a call gave no attributes. */
export type CustomerDataFailureCode =
  | 'timeout'
  | 'network'
  | 'status'
  | 'unauthorized'
  | 'invalid-json'
  | 'invalid-body'
  | 'not-flat';

export interface CustomerDataSuccess {
  readonly ok: true;
  readonly status: number;
  readonly ms: number;
  readonly customerId?: string;
  readonly subscriptionId?: string;
  readonly attributes: CustomerAttributes;
  /** The parsed body, as sent. */
  readonly body: unknown;
}

export interface CustomerDataFailure {
  readonly ok: false;
  readonly ms: number;
  /** The HTTP status, when there was an answer. */
  readonly status?: number;
  readonly code: CustomerDataFailureCode;
  /** What went wrong, for a person. */
  readonly reason: string;
  /** The body: parsed JSON when it parses, else its text. */
  readonly body?: unknown;
}

export type CustomerDataResult = CustomerDataSuccess | CustomerDataFailure;

const MAX_TEXT = 2_000;

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : typeof v;

/** The attributes whose values are not string/number/boolean, or null if the object is flat. */
function notFlat(attributes: unknown): string | null {
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return null;
  const bad = Object.entries(attributes)
    .filter(([, v]) => !['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k} is ${typeOf(v)}`);
  return bad.length ? bad.join(', ') : null;
}

/** Judges a 200 answer's body against the contract. */
async function judgeBody(status: number, ms: number, text: string): Promise<CustomerDataResult> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const reason = `the 200 body is not JSON: ${JSON.stringify(text.slice(0, 80))}`;
    return { ok: false, ms, status, code: 'invalid-json', reason, body: text.slice(0, MAX_TEXT) };
  }
  const validate = await customerDataValidator();
  if (validate(body)) {
    const b = body as {
      customerId?: string;
      subscriptionId?: string;
      customerAttributes: CustomerAttributes;
    };
    return {
      ok: true,
      status,
      ms,
      ...(b.customerId === undefined ? {} : { customerId: b.customerId }),
      ...(b.subscriptionId === undefined ? {} : { subscriptionId: b.subscriptionId }),
      attributes: b.customerAttributes,
      body,
    };
  }
  const errors = validate.errors ?? [];
  const nested = notFlat((body as { customerAttributes?: unknown } | null)?.customerAttributes);
  if (nested && errors.every((e) => e.instancePath.startsWith('/customerAttributes/'))) {
    const reason = `customerAttributes is not flat (values must be strings, numbers or booleans): ${nested}`;
    return { ok: false, ms, status, code: 'not-flat', reason, body };
  }
  const problems = toProblems(errors, 'body').map((p) => `${p.name}: ${p.message}`);
  const reason = `the 200 body does not match the contract: ${problems.join('; ')}`;
  return { ok: false, ms, status, code: 'invalid-body', reason, body };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, MAX_TEXT);
  }
}

/**
 * POSTs `{customerId, signature}` to a Customer Data Endpoint exactly as Churnkey's docs
 * describe and classifies the answer. Only a 200 whose body matches the contract is a success.
 * Never throws (except when churnmock's own contract cannot be loaded).
 */
export async function callCustomerDataEndpoint(
  call: CustomerDataCall,
): Promise<CustomerDataResult> {
  const { url, apiKey, customerId, timeoutMs, fetchImpl = fetch } = call;
  const signature =
    call.signature === undefined ? signCustomerId(customerId, apiKey) : call.signature;
  const payload = signature === null ? { customerId } : { customerId, signature };
  await customerDataValidator();
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let status: number | undefined;
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    const text = await res.text();
    if (res.status === 200) return await judgeBody(res.status, ms(), text);
    const unauthorized = res.status === 401;
    const where = res.headers.get('location');
    return {
      ok: false,
      ms: ms(),
      status: res.status,
      code: unauthorized ? 'unauthorized' : 'status',
      reason: unauthorized
        ? 'answered 401 (signature refused)'
        : `answered ${res.status}${where ? ` redirecting to ${where}` : ''}; only 200 carries attributes`,
      body: parsed(text),
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return {
        ok: false,
        ms: ms(),
        ...(status === undefined ? {} : { status }),
        code: 'timeout',
        reason: `no ${status === undefined ? 'answer' : 'complete body'} within ${timeoutMs} ms`,
      };
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    return {
      ok: false,
      ms: ms(),
      ...(status === undefined ? {} : { status }),
      code: 'network',
      reason: `could not reach ${url}: ${cause}`,
    };
  }
}
