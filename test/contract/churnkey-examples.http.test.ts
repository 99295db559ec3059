import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../examples/customer-data-endpoint/app.ts';
import { type Contract, loadContract, type Operation } from '../../mock/core/contract.ts';
import { contractFile } from '../../mock/core/paths.ts';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS, customMock } from '../helpers/mock.ts';

// Example-driven tools (Specmatic) pair a request example and a response example by name. Every
// such pair of the three Churnkey contracts is sent here, and the answer must be the named
// response: its status, and its body (deep-equal; the one exception is said below and in the
// example's description).
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

const mock = await customMock({});
const customerData = createReferenceEndpoint({ apiKey: 'ck_test_churnmock' });
afterAll(() => mock.reset());
beforeEach(() => mock.reset());

interface Pair {
  readonly name: string;
  readonly status: number;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly expected: unknown;
}

/** The named request examples of an operation (query parameters, JSON body) and its named responses. */
function pairsOf(contract: Contract, op: Operation): Pair[] {
  const raw = obj(obj(obj(contract.document.paths)[op.path])[op.method]);
  const query = new Map<string, Record<string, string>>();
  for (const p of (raw.parameters as Obj[] | undefined) ?? [])
    for (const [name, e] of Object.entries(obj(p.examples))) {
      const q = query.get(name) ?? {};
      q[String(p.name)] = String(obj(e).value);
      query.set(name, q);
    }
  const bodies = obj(obj(obj(obj(raw.requestBody).content)['application/json']).examples);
  const requestNames = new Set([...query.keys(), ...Object.keys(bodies)]);
  const pairs: Pair[] = [];
  for (const [status, spec] of op.responseSpecs)
    for (const [name, expected] of spec.examples)
      if (requestNames.has(name))
        pairs.push({
          name,
          status: Number(status),
          query: query.get(name) ?? {},
          body: name in bodies ? obj(bodies[name]).value : undefined,
          expected,
        });
  return pairs;
}

const SERVED = [
  { id: 'churnkey-data', app: () => mock.app as Express, headers: CK_HEADERS },
  { id: 'churnkey-hosted-flow', app: () => mock.app as Express, headers: {} },
  { id: 'churnkey-customer-data', app: () => customerData, headers: {} },
] as const;

const CASES: (readonly [string, string, Operation, Pair, (typeof SERVED)[number]])[] = [];
const NAMES: Record<string, string[]> = {};
for (const served of SERVED) {
  const contract = await loadContract(contractFile(served.id));
  for (const op of contract.operations) {
    const pairs = pairsOf(contract, op);
    NAMES[op.id] = pairs.map((p) => p.name);
    for (const pair of pairs) CASES.push([`${op.id} ${pair.name}`, served.id, op, pair, served]);
  }
}

/**
 * The one field that is not the example's: the flow URL starts with the address the request
 * was sent to (the example's description says so); everything else is compared exactly.
 */
function comparable(opId: string, body: unknown, origin: string): unknown {
  if (opId !== 'getHostedFlowUrl') return body;
  const b = obj(body);
  return { ...b, url: String(b.url).replace(origin, 'http://127.0.0.1:4010') };
}

describe('named request/response example pairs of the Churnkey contracts are true', () => {
  it('every operation that takes a request has the pairs it is meant to', () => {
    expect(NAMES).toMatchObject({
      listSessions: ['noSuchCustomer'],
      aggregateSessions: ['monthSaveType', 'docsMay2023', 'noSuchCustomer'],
      dsrAccess: ['nobody'],
      dsrDelete: ['jane', 'nobody'],
      setHostedFlowConfig: ['customerDataEndpoint'],
      getHostedFlowUrl: ['cusAbc123'],
      postCustomerData: ['cusAbc123', 'wrongSignature', 'unknownCustomer'],
    });
  });

  it.each(CASES)('%s', async (_name, _id, op, pair, served) => {
    let req = request(served.app())[op.method](op.path).set(served.headers).query(pair.query);
    if (pair.body !== undefined) req = req.send(pair.body as object);
    const res = await req;
    expect(res.status).toBe(pair.status);
    await expectContract(op.id, res);
    const origin = new URL(req.url).origin;
    expect(comparable(op.id, res.body, origin)).toEqual(pair.expected);
  });
});
