import request from 'supertest';
import type { Mock } from '../../mock/create.ts';
import { expectContract } from '../helpers/contract.ts';

/** An admin call to `mock`, its body checked against the admin contract. */
export async function adminCall(
  mock: Mock,
  operationId: string,
  method: 'get' | 'post' | 'delete' | 'put',
  path: string,
  body?: object,
) {
  const r = request(mock.app)[method](path);
  const res = await (body === undefined ? r : r.send(body));
  await expectContract(operationId, res);
  return res;
}

/** A valid flow start for a customer (ChurnCut API docs, Create Cancellation Flow). */
export const flowBody = (c: { readonly id: string; readonly sub: string }) => ({
  customer_id: c.id,
  subscription_id: c.sub,
  reason: 'too_expensive',
  redirect_url: 'https://example.com/done',
});
