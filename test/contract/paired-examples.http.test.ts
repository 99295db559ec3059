import { readFileSync } from 'node:fs';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contractFile } from '../../mock/core/paths.ts';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';
import { CC_AUTH } from '../vendors/churncut/helpers.ts';
import { RB_KEY } from '../vendors/rebilly-reports/http.ts';

/**
 * Example-driven tools (Specmatic) pair a request example with the response example of the
 * same name. Every such pair of these contracts must be true: the mock, sent the named
 * request, answers the named response's status and body.
 */
const CONTRACTS: [string, Record<string, string>][] = [
  ['churncut', CC_AUTH],
  ['rebilly-reports', RB_KEY],
  ['churnmock-admin', {}],
];

/**
 * Fields a created resource gets anew on every call (the example's description says so):
 * compared by shape only, the rest of the body exactly.
 */
const FRESH: Readonly<Record<string, (body: Record<string, unknown>) => unknown>> = {
  createCancellationFlow: (body) => {
    const data = body.data as { flow_id: string; flow_url: string };
    expect(data.flow_id).toMatch(/^flow_[A-Za-z0-9]+$/);
    expect(data.flow_url).toMatch(new RegExp(`^http://[^/]+/flow/${data.flow_id}$`));
    return { ...body, data: { ...data, flow_id: 'FRESH', flow_url: 'FRESH' } };
  },
  createMapping: (body) => {
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.uuid).toBe(body.id);
    return { ...body, id: 'FRESH', uuid: 'FRESH' };
  },
  // When the event was emitted is the wall clock's (the example's description says so).
  triggerWebhook: (body) => {
    expect(Number.isNaN(Date.parse(String(body.emitted_at)))).toBe(false);
    return { ...body, emitted_at: 'FRESH' };
  },
};

interface Example {
  readonly value: unknown;
}
type Examples = Readonly<Record<string, Example>>;
interface Param {
  readonly name: string;
  readonly in: string;
  readonly examples?: Examples;
}
interface Op {
  readonly operationId: string;
  readonly parameters?: readonly Param[];
  readonly requestBody?: { content: Record<string, { examples?: Examples }> };
  readonly responses: Record<string, { content?: Record<string, { examples?: Examples }> }>;
}

interface Pair {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly status: number;
  readonly expected: unknown;
}

/** Every operation's name pairs: request-side names (parameters, body) that a response has. */
async function pairs(id: string): Promise<[string, Pair][]> {
  const raw = parse(readFileSync(contractFile(id), 'utf8'));
  const doc = (await $RefParser.dereference(raw)) as { paths: Record<string, object> };
  const out: [string, Pair][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item as { parameters?: Param[] }).parameters ?? [];
    for (const [method, value] of Object.entries(item)) {
      const op = value as Op;
      if (!op?.operationId) continue;
      const params = [...shared, ...(op.parameters ?? [])];
      const body = op.requestBody?.content['application/json']?.examples ?? {};
      const requestNames = new Set([
        ...Object.keys(body),
        ...params.flatMap((p) => Object.keys(p.examples ?? {})),
      ]);
      const responses = Object.entries(op.responses).flatMap(([status, r]) =>
        Object.entries(r.content?.['application/json']?.examples ?? {}).map(
          ([name, ex]) => [name, Number(status), ex.value] as const,
        ),
      );
      for (const name of requestNames) {
        const answers = responses.filter(([n]) => n === name);
        if (answers.length === 0) continue;
        expect(answers, `${op.operationId}: "${name}" names one response`).toHaveLength(1);
        const [, status, expected] = answers[0] as (typeof answers)[number];
        const exampleOf = (p: Param) => p.examples?.[name]?.value;
        let filled = path;
        for (const p of params.filter((p) => p.in === 'path')) {
          expect(exampleOf(p), `${op.operationId} "${name}" gives path ${p.name}`).toBeDefined();
          filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(exampleOf(p))));
        }
        const query = Object.fromEntries(
          params
            .filter((p) => p.in === 'query' && exampleOf(p) !== undefined)
            .map((p) => [p.name, exampleOf(p)]),
        );
        out.push([
          `${op.operationId} "${name}"`,
          { name, method, path: filled, query, body: body[name]?.value, status, expected },
        ]);
      }
    }
  }
  return out;
}

let mock: Mock;
const ALL = new Map<string, [string, Pair][]>();
beforeAll(async () => {
  mock = await customMock({});
  for (const [id] of CONTRACTS) ALL.set(id, await pairs(id));
});

describe('named examples paired by name are true of the mock', () => {
  it('every contract pairs examples, and the expected ones are there', () => {
    const names = (id: string) => (ALL.get(id) ?? []).map(([n]) => n);
    expect(names('churncut')).toEqual(
      expect.arrayContaining([
        'listCustomers "firstTwo"',
        'getCustomer "exampleCustomer"',
        'getCustomer "unknownCustomer"',
        'getCancellationFlow "exampleFlow"',
        'getCancellationFlow "unknownFlow"',
        'createCancellationFlow "start"',
        'createCancellationFlow "unknownCustomer"',
        'getChurnAnalytics "january2024"',
        'getRetentionAnalytics "january2024"',
      ]),
    );
    for (const op of [
      'GetSubscriptionCancellationReport',
      'GetOrganizationSubscriptionCancellationReport',
      'GetStableSubscriptionCancellationReport',
    ])
      expect(names('rebilly-reports')).toEqual(
        expect.arrayContaining([
          `${op} "byCancelCategory"`,
          `${op} "empty"`,
          `${op} "periodOrder"`,
        ]),
      );
    expect(names('churnmock-admin')).toEqual(
      expect.arrayContaining([
        'setClock "advance"',
        'setClock "set"',
        'setClock "notADuration"',
        'setClock "fractionOfACalendarUnit"',
        'setClock "outOfRange"',
        'triggerWebhook "retained"',
        'triggerWebhook "smallerDiscount"',
        'triggerWebhook "noOffer"',
        'triggerWebhook "unknownCustomer"',
        'triggerWebhook "unknownEvent"',
        'createMapping "rateLimited"',
        'createMapping "failTwice"',
        'createMapping "slow"',
        'addWebhook "add"',
        'countRequests "flowStarts"',
        'findRequests "sessionLists"',
        'setProviderState "unknownState"',
        'restoreSnapshot "restore"',
        'restoreSnapshot "anotherWorld"',
        'restoreSnapshot "anotherFormat"',
      ]),
    );
  });

  for (const [id, auth] of CONTRACTS)
    it(`${id}: each pair, sent to a freshly reset mock, answers its example`, async () => {
      const list = ALL.get(id) ?? [];
      expect(list.length).toBeGreaterThan(0);
      for (const [label, pair] of list) {
        // Fresh: the seed, and no webhook target an earlier pair added.
        mock.reset({ webhookTargets: true });
        const call = request(mock.app)
          [pair.method as 'get' | 'post'](pair.path)
          .query(pair.query as Record<string, string>)
          .set(auth);
        const res = pair.body === undefined ? await call : await call.send(pair.body as object);
        expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBe(pair.status);
        const opId = label.slice(0, label.indexOf(' '));
        await expectContract(opId, res);
        const fresh = FRESH[opId];
        // Only a success creates something anew; a refusal is compared as it is.
        const created = fresh !== undefined && pair.status >= 200 && pair.status < 300;
        const body = created ? fresh(res.body) : res.body;
        const expected = created ? fresh(pair.expected as never) : pair.expected;
        expect(body, label).toEqual(expected);
      }
      mock.reset();
    });
});
