// node --test: the same API from plain JavaScript.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMock } from 'churnmock';

let mock;
before(async () => {
  mock = await startMock({ scale: 0.1 });
});
after(() => mock.close());

test('the Rebilly report groups cancellations by plan', async () => {
  const q =
    'periodStart=2025-01-01T00:00:00Z&periodEnd=2025-12-31T23:59:59Z&aggregationField=planId';
  const res = await fetch(`${mock.url}/experimental/reports/subscription-cancellation?${q}`, {
    headers: { 'REB-APIKEY': 'sk_test_churnmock' },
  });
  assert.equal(res.status, 200);
  const report = await res.json();
  assert.ok(report.data.length > 0);
});

test('a reset brings the clock back to the as-of date', async () => {
  mock.clock.advance('P30D');
  await mock.reset();
  assert.equal(mock.clock.now(), '2025-12-31T00:00:00.000Z');
});
