// A test file of a suite whose globalSetup started the mock (global-setup.ts).
import { beforeEach, expect, inject, it } from 'vitest';

const url = inject('churnmockUrl');
// Every test starts from the seed: the admin API resets every store and the clock.
beforeEach(() => fetch(`${url}/__admin/reset`, { method: 'POST' }).then(() => undefined));

it('lists Churnkey sessions, newest first', async () => {
  const res = await fetch(`${url}/v1/data/sessions?limit=2`, {
    headers: { 'x-ck-api-key': 'data_test_churnmock', 'x-ck-app': 'app_churnmock' },
  });
  expect(res.status).toBe(200);
  const sessions = (await res.json()) as { createdAt: string }[];
  expect(sessions).toHaveLength(2);
  const [newest, next] = sessions;
  expect(newest && next && newest.createdAt >= next.createdAt).toBe(true);
});
