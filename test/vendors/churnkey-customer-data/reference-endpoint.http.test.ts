import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createReferenceEndpoint } from '../../../examples/customer-data-endpoint/app.ts';
import { DEMO_CUSTOMERS } from '../../../examples/customer-data-endpoint/customers.ts';
import { signCustomerId } from '../../../mock/vendors/churnkey-customer-data/signature.ts';
import { expectContract } from '../../helpers/contract.ts';
import { API_KEY, DOCS_EXAMPLE, PATH } from './endpoints.ts';

const OP = 'postCustomerData';
const app = createReferenceEndpoint({ apiKey: API_KEY });
const post = (body: unknown) =>
  request(app)
    .post(PATH)
    .send(body as object);
const signed = (customerId: string) => ({
  customerId,
  signature: signCustomerId(customerId, API_KEY),
});

describe('reference Customer Data Endpoint (examples/customer-data-endpoint)', () => {
  it("answers the docs' example for cus_abc123, signed as the docs say", async () => {
    const res = await post(signed('cus_abc123'));
    expect(res.status).toBe(200);
    await expectContract(OP, res);
    expect(res.body).toEqual(DOCS_EXAMPLE);
  });

  it.each(Object.keys(DEMO_CUSTOMERS))('serves demo customer %s', async (id) => {
    const res = await post(signed(id));
    expect(res.status).toBe(200);
    await expectContract(OP, res);
    expect(res.body.customerAttributes).toEqual(DEMO_CUSTOMERS[id]?.customerAttributes);
  });

  it.each([
    [
      'a forged signature',
      { customerId: 'cus_abc123', signature: signCustomerId('cus_abc123', 'other') },
    ],
    ["no signature (the docs' code throws; the reference guards it)", { customerId: 'cus_abc123' }],
    ['a short signature', { customerId: 'cus_abc123', signature: 'abc' }],
    ['a signature that is not a string', { customerId: 'cus_abc123', signature: 42 }],
    ['no customerId', { signature: signCustomerId('cus_abc123', API_KEY) }],
    ['an empty body', {}],
  ])('401 for %s, without data', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(401);
    await expectContract(OP, res);
    expect(JSON.stringify(res.body)).not.toContain('pro');
  });

  it('404 for a correctly signed unknown customer, and for inherited names', async () => {
    for (const id of ['cus_nobody', 'constructor', '__proto__']) {
      const res = await post(signed(id));
      expect(res.status).toBe(404);
      await expectContract(OP, res);
    }
  });

  it('a JSON 400 for a body that is not JSON', async () => {
    const res = await request(app).post(PATH).set('content-type', 'application/json').send('{no');
    expect(res.status).toBe(400);
    await expectContract(OP, res);
  });

  it('a JSON 413 for a body over its 10 KB, a JSON 415 for a charset it cannot read', async () => {
    const big = await request(app)
      .post(PATH)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ ...signed('cus_abc123'), pad: 'x'.repeat(20_000) }));
    expect(big.status).toBe(413);
    await expectContract(OP, big);
    const latin = await request(app)
      .post(PATH)
      .set('content-type', 'application/json; charset=latin-9')
      .send(JSON.stringify(signed('cus_abc123')));
    expect(latin.status).toBe(415);
    await expectContract(OP, latin);
  });

  it('takes its own customers and key', async () => {
    const custom = createReferenceEndpoint({
      apiKey: 'ck_other',
      customers: { cus_x: { customerAttributes: { plan: 'free' } } },
    });
    const ok = await request(custom)
      .post(PATH)
      .send({ customerId: 'cus_x', signature: signCustomerId('cus_x', 'ck_other') });
    expect(ok.status).toBe(200);
    await expectContract(OP, ok);
    expect(ok.body).toEqual({ customerId: 'cus_x', customerAttributes: { plan: 'free' } });
    const demo = await request(custom).post(PATH).send(signed('cus_abc123'));
    expect(demo.status).toBe(401);
  });
});
