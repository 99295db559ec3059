import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockFrom, type Mock } from '../../mock/app.ts';
import { loadContract } from '../../mock/core/contract.ts';
import { compileResponseValidators, makeAjv } from '../../mock/core/validation.ts';
import { defineVendor, type Registry, type VendorInstance } from '../../mock/core/vendor.ts';
import { REGISTRY } from '../../mock/registry.ts';

// A handler may answer later (a promise): the pipeline sends what it resolves to, and a
// rejection is a 500 in the vendor's own error shape, never an unhandled rejection.

const CONTRACT = join(import.meta.dirname, '..', 'fixtures', 'fake-retention.openapi.yaml');

const later = defineVendor({
  id: 'fake-retention',
  title: 'Fake Retention API',
  contract: CONTRACT,
  defaults: {},
  build(): VendorInstance {
    return {
      api: {
        prefixes: ['/fake'],
        authenticate: () => null,
        errorBody: (_status: number, message: string) => ({ fault: message }),
        handlers: {
          recordPing: async ({ body }) => {
            const { message } = body as { message: string };
            await new Promise((r) => setTimeout(r, 5));
            if (message === 'boom') throw new Error('it broke');
            if (message === 'odd') throw 'not an Error';
            return { status: 200, body: { count: 1, message } };
          },
        },
      },
      reset: () => {},
    };
  },
});

const registry: Registry<unknown> = {
  ...(REGISTRY as Registry<unknown>),
  vendors: [...REGISTRY.vendors, later],
};

let mock: Mock;
/** The fixture contract's check of a 200 (it documents no 500: that one is the engine's). */
let expectFixture200: (body: unknown) => void;
beforeAll(async () => {
  mock = await createMockFrom(registry, { scale: 0.02 });
  const op = (await loadContract(CONTRACT)).operations[0];
  const validate = op && compileResponseValidators(makeAjv(false), op).get('200');
  expectFixture200 = (body) =>
    expect(validate?.(body), JSON.stringify(validate?.errors)).toBe(true);
});
afterAll(() => mock.stop());

const ping = (message: string) => request(mock.app).post('/fake/v1/pings').send({ message });

describe('a handler that answers with a promise', () => {
  it('is answered with what it resolves to', async () => {
    const res = await ping('hello');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 1, message: 'hello' });
    expectFixture200(res.body);
  });

  it('a rejection is a 500 in the vendor error shape', async () => {
    const res = await ping('boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ fault: 'Internal mock error: it broke' });
    const odd = await ping('odd');
    expect(odd.status).toBe(500);
    expect(odd.body).toEqual({ fault: 'Internal mock error: not an Error' });
    // The mock goes on answering.
    expect((await ping('after')).status).toBe(200);
  });
});
