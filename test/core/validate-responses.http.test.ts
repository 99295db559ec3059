import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../generators/churnkey-data.ts';
import { CK_HEADERS, customMock, SESSIONS } from '../helpers/mock.ts';

describe('serve --validate-responses', () => {
  it('turns a response that breaks the contract into a 500 naming the violation', async () => {
    const mock = await customMock({ validateResponses: true });
    // The second newest: not listed before it breaks (a session's JSON is serialised once).
    const [, second] = mock.vendors['churnkey-data'].store.sessions(mock.clock.now());
    const ok = await request(mock.app).get(SESSIONS).query({ limit: 1 }).set(CK_HEADERS);
    expect(ok.status).toBe(200);
    // Break it the way a mock bug would: a customer e-mail that is not one.
    const broken = second as SessionRecord & { customer: { email: string } };
    Object.defineProperty(broken, 'customer', {
      value: { ...broken.customer, email: 'not-an-email' },
    });
    const res = await request(mock.app).get(SESSIONS).query({ limit: 2 }).set(CK_HEADERS);
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/Response violates the contract \(listSessions 200\)/);
    expect(res.body.message).toContain('1.customer.email');
  });
});
