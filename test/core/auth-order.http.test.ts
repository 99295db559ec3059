import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';
import { customMock } from '../helpers/mock.ts';

/** Credentials are checked before a body is read: without them, body errors say nothing. */
let mock: Mock;
beforeAll(async () => {
  mock = await customMock({ scale: 0.05 });
});

const BODIES: [string, Record<string, string>, string | Buffer][] = [
  ['malformed JSON', { 'content-type': 'application/json' }, '{"customer_id":'],
  ['a body over 1 MB', { 'content-type': 'application/json' }, `"${'x'.repeat(1_100_000)}"`],
  [
    'an unsupported charset',
    { 'content-type': 'application/json; charset=latin-9' },
    '{"customer_id":"cus_x"}',
  ],
];

const ENDPOINTS = [
  {
    name: 'ChurnCut POST /v1/cancellation-flows',
    path: '/v1/cancellation-flows',
    op: 'createCancellationFlow',
    wrong: { authorization: 'Bearer cc_wrong' },
    right: { authorization: 'Bearer cc_test_churnmock' },
  },
  {
    name: 'Churnkey POST /v1/data/dsr/delete',
    path: '/v1/data/dsr/delete',
    op: 'dsrDelete',
    wrong: { 'x-ck-api-key': 'wrong', 'x-ck-app': 'app_churnmock' },
    right: { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' },
  },
];

describe.each(ENDPOINTS)('$name', ({ path, op, wrong, right }) => {
  it.each(BODIES)(
    '%s: 401 without credentials, 4xx about the body with them',
    async (_n, headers, body) => {
      for (const creds of [{}, wrong]) {
        const res = await request(mock.app)
          .post(path)
          .set({ ...headers, ...creds })
          .send(body);
        await expectContract(op, res);
        expect(res.status).toBe(401);
      }
      const res = await request(mock.app)
        .post(path)
        .set({ ...headers, ...right })
        .send(body);
      await expectContract(op, res);
      expect([400, 413, 415]).toContain(res.status);
    },
  );
});
