import type { JournalEntry } from '../core/control/journal.ts';
import {
  compileRequestPattern,
  PatternError,
  type RequestMatcher,
} from '../core/control/pattern.ts';
import type { ControlPlane } from '../core/control/plane.ts';
import { StubError } from '../core/control/stubs.ts';
import type { Handler, HandlerInput, HandlerResult } from '../core/pipeline/types.ts';

/** What the WireMock-compatible endpoints work on. */
export interface ControlHooks {
  readonly control: ControlPlane;
  /** The vendor whose prefix a path is under (for entries no operation took). */
  vendorOf(path: string): string | null;
}

const bad = (message: string): HandlerResult => ({ status: 400, body: { message } });
const notFound = (message: string): HandlerResult => ({ status: 404, body: { message } });
const ok = (body: unknown = {}): HandlerResult => ({ status: 200, body });

const JOURNAL_OFF: HandlerResult = {
  status: 409,
  body: {
    message:
      'The request journal is off (--no-journal, or journalSize 0): nothing is recorded to find or count',
  },
};

/** The header values of a request as sent: names as the client wrote them, repeats as a list. */
function sentHeaders(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const had = out[name];
    out[name] = had === undefined ? value : [...[had].flat(), value];
  }
  return out;
}

/** WireMock's `LoggedRequest`, plus churnmock's fields under `churnmock`. */
export function loggedRequest(e: JournalEntry, vendorOf: ControlHooks['vendorOf']) {
  const host = e.headers.host ?? 'localhost';
  const queryParams: Record<string, { key: string; values: string[] }> = {};
  for (const [key, values] of Object.entries(e.recorded().query))
    queryParams[key] = { key, values: [...values] };
  const cookies: Record<string, string> = {};
  for (const part of (e.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const vendor = e.vendor ?? vendorOf(e.path);
  return {
    id: e.id,
    url: e.url,
    absoluteUrl: `http://${host}${e.url}`,
    method: e.method,
    clientIp: e.clientIp,
    headers: sentHeaders(e.rawHeaders),
    cookies,
    queryParams,
    browserProxyRequest: false,
    loggedDate: e.loggedDate,
    loggedDateString: new Date(e.loggedDate).toISOString(),
    body: e.body.toString('utf8'),
    bodyAsBase64: e.body.toString('base64'),
    churnmock: {
      vendor,
      operation: e.operation,
      matched: !e.unmatched,
      stub: e.stub,
      fault: e.fault,
      mockTime: new Date(e.mockTime).toISOString(),
      bodyBytes: e.bodyBytes,
      bodyTruncated: e.bodyTruncated,
    },
  };
}

/** WireMock's serve event (`GET /__admin/requests`): the request, the answer, the timing. */
export function serveEvent(e: JournalEntry, hooks: ControlHooks) {
  const stub = e.stub === null ? undefined : hooks.control.stubs.get(e.stub);
  return {
    id: e.id,
    request: loggedRequest(e, hooks.vendorOf),
    responseDefinition: { status: e.status, fromConfiguredStub: e.stub !== null },
    response: { status: e.status, headers: e.responseHeaders(), fault: e.fault },
    wasMatched: !e.unmatched,
    timing: {
      addedDelay: e.addedDelayMs,
      totalTime: e.durationMs,
      serveTime: e.durationMs === null ? null : Math.max(0, e.durationMs - e.addedDelayMs),
    },
    ...(stub ? { stubMapping: stub } : {}),
  };
}

/** A pattern from a request body (WireMock's request pattern); `{}` matches every request. */
function pattern(body: unknown): RequestMatcher | HandlerResult {
  try {
    return compileRequestPattern(body ?? {});
  } catch (e) {
    if (e instanceof PatternError) return bad(`Request pattern: ${e.message}`);
    throw e;
  }
}

/** A mapping refused: the message of a StubError, anything else thrown on. */
function refused(e: unknown): HandlerResult {
  if (e instanceof StubError) return bad(`Stub mapping: ${e.message}`);
  throw e;
}

/**
 * The handlers of WireMock's admin API that churnmock has: the request journal
 * (`/__admin/requests…`), stub mappings (`/__admin/mappings…`) and scenarios
 * (`/__admin/scenarios…`), in WireMock's documented shapes.
 */
export function controlHandlers(hooks: ControlHooks): Record<string, Handler> {
  const { control } = hooks;
  const { stubs } = control;
  const journal = () => control.journal;

  return {
    listRequests: ({ query }: HandlerInput) => {
      const j = journal();
      if (!j) return ok({ requests: [], meta: { total: 0 }, requestJournalDisabled: true });
      const since = query.since === undefined ? undefined : Date.parse(query.since as string);
      const entries = j.list({
        ...(query.limit === undefined ? {} : { limit: query.limit as number }),
        ...(since === undefined ? {} : { since }),
      });
      return ok({
        requests: entries.map((e) => serveEvent(e, hooks)),
        meta: { total: j.size },
        requestJournalDisabled: false,
        churnmock: {
          capacity: j.capacity,
          maxBytes: j.maxBytes,
          bytes: j.bytes,
          evicted: j.evicted,
        },
      });
    },
    clearRequests: () => {
      journal()?.clear();
      return ok();
    },
    getRequest: ({ path }: HandlerInput) => {
      const e = journal()?.get(path.id as string);
      return e ? ok(serveEvent(e, hooks)) : notFound(`No request ${path.id} in the journal`);
    },
    deleteRequest: ({ path }: HandlerInput) =>
      journal()?.remove(path.id as string)
        ? ok()
        : notFound(`No request ${path.id} in the journal`),
    countRequests: ({ body }: HandlerInput) => {
      const j = journal();
      if (!j) return JOURNAL_OFF;
      const m = pattern(body);
      return typeof m === 'function' ? ok({ count: j.count(m) }) : m;
    },
    findRequests: ({ body }: HandlerInput) => {
      const j = journal();
      if (!j) return JOURNAL_OFF;
      const m = pattern(body);
      return typeof m === 'function'
        ? ok({ requests: j.find(m).map((e) => loggedRequest(e, hooks.vendorOf)) })
        : m;
    },
    listUnmatchedRequests: () => {
      const j = journal();
      if (!j) return JOURNAL_OFF;
      return ok({ requests: j.unmatched().map((e) => loggedRequest(e, hooks.vendorOf)) });
    },
    listMappings: ({ query }: HandlerInput) => {
      const all = stubs.list();
      const offset = (query.offset as number | undefined) ?? 0;
      const limit = (query.limit as number | undefined) ?? all.length;
      return ok({ mappings: all.slice(offset, offset + limit), meta: { total: all.length } });
    },
    createMapping: ({ body }: HandlerInput) => {
      try {
        return { status: 201, body: stubs.add(body) };
      } catch (e) {
        return refused(e);
      }
    },
    deleteMappings: () => {
      stubs.reset();
      return ok();
    },
    resetMappings: () => {
      stubs.reset();
      return ok();
    },
    getMapping: ({ path }: HandlerInput) => {
      const m = stubs.get(path.id as string);
      return m ? ok(m) : notFound(`No stub mapping ${path.id}`);
    },
    updateMapping: ({ path, body }: HandlerInput) => {
      try {
        const m = stubs.update(path.id as string, body);
        return m ? ok(m) : notFound(`No stub mapping ${path.id}`);
      } catch (e) {
        return refused(e);
      }
    },
    deleteMapping: ({ path }: HandlerInput) =>
      stubs.remove(path.id as string) ? ok() : notFound(`No stub mapping ${path.id}`),
    listScenarios: () => ok({ scenarios: stubs.scenarios() }),
    resetScenarios: () => {
      stubs.resetScenarios();
      return ok();
    },
    setScenarioState: ({ path, body }: HandlerInput) => {
      const { state } = body as { state: string };
      return stubs.setScenarioState(path.name as string, state)
        ? ok()
        : notFound(`No stub mapping is in a scenario named ${JSON.stringify(path.name)}`);
    },
  };
}
