import { randomUUID } from 'node:crypto';
import type { PersistentPart, WriteSink } from '../persist/part.ts';
import {
  checkDelay,
  checkFault,
  type DelaySpec,
  type FaultName,
  FaultSpecError,
} from './faults.ts';
import {
  compileRequestPattern,
  PatternError,
  type RecordedRequest,
  type RequestMatcher,
} from './pattern.ts';

/** A mapping that cannot be taken; the message says which part and why. */
export class StubError extends Error {}

/** WireMock's default priority (1 is the highest). */
export const DEFAULT_PRIORITY = 5;
/** Every scenario's first state, as WireMock names it. */
export const STARTED = 'Started';
/** Mappings kept at most (a test suite that never resets still has a bounded store). */
export const MAX_MAPPINGS = 10_000;

/** A stub's answer, as WireMock's response definition (plus churnmock's `fromMock`). */
export interface StubResponse extends DelaySpec {
  readonly status?: number;
  readonly statusMessage?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
  readonly jsonBody?: unknown;
  readonly base64Body?: string;
  readonly fault?: FaultName;
  /**
   * churnmock's extension: the stateful mock answers (and changes state) as without the stub;
   * the stub only adds its delay, or replaces the answer by its fault once the mock has run.
   */
  readonly fromMock?: boolean;
}

/** A stub mapping as WireMock's admin API takes and returns it. */
export interface StubMapping {
  readonly id: string;
  readonly uuid: string;
  readonly name?: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly response: StubResponse;
  readonly priority?: number;
  readonly persistent?: boolean;
  readonly scenarioName?: string;
  readonly requiredScenarioState?: string;
  readonly newScenarioState?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A mapping with its compiled pattern and the order it was added in. */
export interface Stub {
  readonly mapping: StubMapping;
  readonly matches: RequestMatcher;
  readonly priority: number;
  readonly added: number;
}

/** A scenario's state, as WireMock's `GET /__admin/scenarios` lists it. */
export interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly possibleStates: readonly string[];
}

const MAPPING_KEYS = new Set([
  'id',
  'uuid',
  'name',
  'request',
  'response',
  'priority',
  'persistent',
  'scenarioName',
  'requiredScenarioState',
  'newScenarioState',
  'metadata',
  'insertionIndex',
]);
const RESPONSE_KEYS = new Set([
  'status',
  'statusMessage',
  'headers',
  'body',
  'jsonBody',
  'base64Body',
  'fixedDelayMilliseconds',
  'delayDistribution',
  'fault',
  'fromMock',
]);
const UNSUPPORTED: Readonly<Record<string, string>> = {
  bodyFileName: 'give the body inline (body, jsonBody or base64Body)',
  proxyBaseUrl:
    'unmatched requests already go to the stateful mock; "fromMock": true keeps its answer',
  transformers: 'response templating is not supported',
  transformerParameters: 'response templating is not supported',
  chunkedDribbleDelay: 'use fixedDelayMilliseconds or delayDistribution',
  postServeActions: 'use POST /__admin/webhooks/trigger to send a webhook',
  serveEventListeners: 'use POST /__admin/webhooks/trigger to send a webhook',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const optionalString = (o: Record<string, unknown>, key: string, where: string) => {
  const v = o[key];
  if (v !== undefined && typeof v !== 'string')
    throw new StubError(`${where}${key} must be a string`);
};

function checkResponse(input: unknown): StubResponse {
  if (input === undefined) return { status: 200 };
  if (!isObject(input)) throw new StubError('response must be an object');
  for (const key of Object.keys(input)) {
    const hint = UNSUPPORTED[key];
    if (hint) throw new StubError(`response.${key} is not supported by churnmock: ${hint}`);
    if (!RESPONSE_KEYS.has(key))
      throw new StubError(
        `response.${key} is not a response field (use ${[...RESPONSE_KEYS].join(', ')})`,
      );
  }
  const { status, headers, fromMock } = input;
  if (
    status !== undefined &&
    !(typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)
  )
    throw new StubError(
      `response.status must be an HTTP status code (100-599), got ${JSON.stringify(status)}`,
    );
  optionalString(input, 'statusMessage', 'response.');
  optionalString(input, 'body', 'response.');
  optionalString(input, 'base64Body', 'response.');
  if (typeof input.base64Body === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(input.base64Body))
    throw new StubError('response.base64Body is not base64');
  const bodies = ['body', 'jsonBody', 'base64Body'].filter((k) => input[k] !== undefined);
  if (bodies.length > 1)
    throw new StubError(
      `response takes one of body, jsonBody or base64Body, got ${bodies.join(' and ')}`,
    );
  if (headers !== undefined) {
    if (!isObject(headers)) throw new StubError('response.headers must be an object');
    for (const [name, value] of Object.entries(headers)) {
      const ok =
        typeof value === 'string' ||
        (Array.isArray(value) && value.every((v) => typeof v === 'string'));
      if (!ok)
        throw new StubError(`response.headers.${name} must be a string or a list of strings`);
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
        throw new StubError(`response.headers: ${JSON.stringify(name)} is not a header name`);
      for (const v of [value].flat() as string[])
        if (/[\r\n\0]/.test(v)) throw new StubError(`response.headers.${name} has a line break`);
    }
  }
  if (fromMock !== undefined && typeof fromMock !== 'boolean')
    throw new StubError('response.fromMock must be true or false');
  if (fromMock === true && (bodies.length > 0 || status !== undefined || headers !== undefined))
    throw new StubError(
      "response.fromMock keeps the mock's own answer: give only a delay or a fault with it",
    );
  try {
    const delay = checkDelay({
      fixedDelayMilliseconds: input.fixedDelayMilliseconds,
      delayDistribution: input.delayDistribution,
    });
    const fault = input.fault === undefined ? undefined : checkFault(input.fault);
    return {
      ...(input as StubResponse),
      ...delay,
      ...(fault ? { fault } : {}),
    };
  } catch (e) {
    if (e instanceof FaultSpecError) throw new StubError(`response: ${e.message}`);
    throw e;
  }
}

/** Checks a mapping from user JSON and gives it its id (the one given, or a new UUID). */
export function checkMapping(input: unknown, id?: string): StubMapping {
  if (!isObject(input)) throw new StubError('A stub mapping is a JSON object');
  for (const key of Object.keys(input))
    if (!MAPPING_KEYS.has(key))
      throw new StubError(
        UNSUPPORTED[key]
          ? `${key} is not supported by churnmock: ${UNSUPPORTED[key]}`
          : `${key} is not a stub mapping field (use ${[...MAPPING_KEYS].join(', ')})`,
      );
  for (const key of ['name', 'scenarioName', 'requiredScenarioState', 'newScenarioState'])
    optionalString(input, key, '');
  const given = id ?? (input.id as string | undefined) ?? (input.uuid as string | undefined);
  if (given !== undefined && (typeof given !== 'string' || !UUID.test(given)))
    throw new StubError(`id must be a UUID, got ${JSON.stringify(given)}`);
  const { priority, request, metadata, persistent } = input;
  if (priority !== undefined && !(Number.isInteger(priority) && (priority as number) >= 1))
    throw new StubError(
      `priority must be a whole number from 1 (the highest), got ${JSON.stringify(priority)}`,
    );
  if (persistent !== undefined && typeof persistent !== 'boolean')
    throw new StubError('persistent must be true or false');
  if (metadata !== undefined && !isObject(metadata))
    throw new StubError('metadata must be an object');
  if (request !== undefined && !isObject(request)) throw new StubError('request must be an object');
  if (
    (input.requiredScenarioState !== undefined || input.newScenarioState !== undefined) &&
    input.scenarioName === undefined
  )
    throw new StubError('requiredScenarioState and newScenarioState need a scenarioName');
  const uuid = (given ?? randomUUID()).toLowerCase();
  const { insertionIndex: _ignored, ...rest } = input;
  return {
    ...(rest as Partial<StubMapping>),
    id: uuid,
    uuid,
    request: (request as Record<string, unknown> | undefined) ?? {},
    response: checkResponse(input.response),
  };
}

/**
 * Stub mappings in front of the stateful mock, as WireMock's: the highest priority (lowest
 * number) that matches answers, the newest first among equals; a mapping in a scenario
 * matches only in its required state and moves the scenario on.
 */
export class StubStore implements PersistentPart {
  readonly #stubs = new Map<string, Stub>();
  #sink: WriteSink | null = null;
  /** By priority, then newest first: rebuilt when the mappings change. */
  #ordered: Stub[] = [];
  readonly #scenarios = new Map<string, string>();
  #added = 0;

  /** How many mappings there are. */
  get size(): number {
    return this.#stubs.size;
  }

  #compile(mapping: StubMapping): Stub {
    try {
      return {
        mapping,
        matches: compileRequestPattern(mapping.request),
        priority: mapping.priority ?? DEFAULT_PRIORITY,
        added: this.#added++,
      };
    } catch (e) {
      if (e instanceof PatternError) throw new StubError(`request: ${e.message}`);
      throw e;
    }
  }

  #order(): void {
    this.#ordered = [...this.#stubs.values()].sort(
      (a, b) => a.priority - b.priority || b.added - a.added,
    );
  }

  /** Adds a mapping (user JSON); one with the id of an existing mapping replaces it. */
  add(input: unknown): StubMapping {
    const mapping = checkMapping(input);
    if (!this.#stubs.has(mapping.id) && this.#stubs.size >= MAX_MAPPINGS)
      throw new StubError(
        `At most ${MAX_MAPPINGS} stub mappings (DELETE /__admin/mappings removes them)`,
      );
    this.#stubs.set(mapping.id, this.#compile(mapping));
    this.#order();
    this.#sink?.('mapping', mapping);
    return mapping;
  }

  /** Replaces the mapping with this id; undefined when there is none. */
  update(id: string, input: unknown): StubMapping | undefined {
    const key = id.toLowerCase();
    if (!this.#stubs.has(key)) return undefined;
    const mapping = checkMapping(input, key);
    this.#stubs.set(key, this.#compile(mapping));
    this.#order();
    this.#sink?.('mapping', mapping);
    return mapping;
  }

  get(id: string): StubMapping | undefined {
    return this.#stubs.get(id.toLowerCase())?.mapping;
  }

  /** Every mapping, in the order they are tried. */
  list(): StubMapping[] {
    return this.#ordered.map((s) => s.mapping);
  }

  /** Removes one mapping; false when there is none by that id. */
  remove(id: string): boolean {
    const gone = this.#stubs.delete(id.toLowerCase());
    if (gone) {
      this.#order();
      this.#sink?.('remove', { id: id.toLowerCase() });
    }
    return gone;
  }

  /** Removes every mapping and resets every scenario. */
  reset(): void {
    this.#stubs.clear();
    this.#ordered = [];
    this.#scenarios.clear();
    this.#sink?.('reset', {});
  }

  persistTo(sink: WriteSink | null): void {
    this.#sink = sink;
  }

  /** Replays a write `persistTo` sent: `mapping`, `remove`, `reset`, `scenario`, `scenarios-reset`. */
  apply(kind: string, data: unknown): void {
    const sink = this.#sink;
    this.#sink = null;
    try {
      if (kind === 'mapping') this.add(data);
      else if (kind === 'remove') this.remove((data as { id: string }).id);
      else if (kind === 'reset') this.reset();
      else if (kind === 'scenario') {
        const d = data as { name: string; state: string };
        this.#scenarios.set(d.name, d.state);
      } else if (kind === 'scenarios-reset') this.resetScenarios();
      else throw new Error(`journal: unknown stub write ${kind}`);
    } finally {
      this.#sink = sink;
    }
  }

  /** The mappings in the order they were added (which orders equals) and the scenarios' states. */
  exportState(): unknown {
    return {
      mappings: [...this.#stubs.values()].sort((a, b) => a.added - b.added).map((s) => s.mapping),
      scenarios: Object.fromEntries(this.#scenarios),
    };
  }

  importState(state: unknown): void {
    const s = state as { mappings: unknown[]; scenarios: Record<string, string> };
    const sink = this.#sink;
    this.#sink = null;
    try {
      this.reset();
      for (const m of s.mappings) this.add(m);
      for (const [name, value] of Object.entries(s.scenarios)) this.#scenarios.set(name, value);
    } finally {
      this.#sink = sink;
    }
  }

  /** The mapping that answers this request (moving its scenario on), or null. */
  match(req: RecordedRequest): StubMapping | null {
    for (const stub of this.#ordered) {
      const m = stub.mapping;
      if (m.scenarioName !== undefined && m.requiredScenarioState !== undefined) {
        const state = this.#scenarios.get(m.scenarioName) ?? STARTED;
        if (state !== m.requiredScenarioState) continue;
      }
      if (!stub.matches(req)) continue;
      if (m.scenarioName !== undefined && m.newScenarioState !== undefined) {
        this.#scenarios.set(m.scenarioName, m.newScenarioState);
        this.#sink?.('scenario', { name: m.scenarioName, state: m.newScenarioState });
      }
      return m;
    }
    return null;
  }

  /** Every scenario the mappings name, with its state and the states it can be in. */
  scenarios(): Scenario[] {
    const byName = new Map<string, Set<string>>();
    for (const { mapping: m } of this.#stubs.values()) {
      if (m.scenarioName === undefined) continue;
      const states = byName.get(m.scenarioName) ?? new Set([STARTED]);
      if (m.requiredScenarioState !== undefined) states.add(m.requiredScenarioState);
      if (m.newScenarioState !== undefined) states.add(m.newScenarioState);
      byName.set(m.scenarioName, states);
    }
    return [...byName].map(([name, states]) => ({
      id: name,
      name,
      state: this.#scenarios.get(name) ?? STARTED,
      possibleStates: [...states],
    }));
  }

  /** Puts every scenario back in its first state. */
  resetScenarios(): void {
    this.#scenarios.clear();
    this.#sink?.('scenarios-reset', {});
  }

  /** Sets a scenario's state; false when no mapping names the scenario. */
  setScenarioState(name: string, state: string): boolean {
    if (!this.scenarios().some((s) => s.name === name)) return false;
    this.#scenarios.set(name, state);
    this.#sink?.('scenario', { name, state });
    return true;
  }
}
