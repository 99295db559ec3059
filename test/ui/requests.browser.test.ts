import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import { CK_HEADERS } from '../helpers/mock.ts';
import {
  call,
  type Dashboard,
  openPage,
  type PageDocument,
  shootAndCheck,
  startDashboard,
} from './helpers.ts';

// Callbacks run in the page (the tests compile without the DOM lib).
declare const document: PageDocument;

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard();
});
afterAll(async () => {
  await d?.close();
});

describe('the dashboard’s Requests page', () => {
  it('shows a request made with fetch within a second, newest first, expandable', async () => {
    const opened = await openPage(d, '/__admin/ui/requests');
    const { page } = opened;
    await page.waitForSelector('.count:has-text("of")');
    const first = await call(d.base, '/v1/data/sessions?limit=2', { headers: CK_HEADERS });
    await expectContract('listSessions', first);
    const made = Date.now();
    const res = await call(d.base, '/v1/customers/cus_nobody', {
      headers: { authorization: 'Bearer cc_test_churnmock', 'x-test': 'requests-page' },
    });
    await expectContract('getCustomer', res);
    expect(res.status).toBe(404);
    await page.waitForSelector('.entry code.path:has-text("/v1/customers/cus_nobody")', {
      timeout: 1000,
    });
    expect(Date.now() - made).toBeLessThan(1000);
    const paths = await page.locator('.entry code.path').allTextContents();
    // Newest first, and none of the dashboard's own calls (the Data page's, say).
    expect(paths).toEqual(['/v1/customers/cus_nobody', '/v1/data/sessions?limit=2']);
    const entry = page.locator('.entry').first();
    await entry.locator('summary').click();
    const facts = await entry.locator('dl.facts').textContent();
    expect(facts).toContain('getCustomer');
    expect(facts).toContain('404');
    expect(await entry.locator('table.headers').first().textContent()).toContain('requests-page');
    await shootAndCheck(opened, 'requests');
    await page.close();
  });

  it('filters by vendor, status and path; a stub’s name shows on the entry', async () => {
    await call(d.base, '/__admin/requests', { method: 'DELETE' });
    const stub = await call(d.base, '/__admin/mappings', {
      method: 'POST',
      body: {
        name: 'sessions down',
        request: { method: 'GET', urlPath: '/v1/data/session-aggregation' },
        response: { status: 503 },
      },
    });
    await expectContract('createMapping', stub);
    const opened = await openPage(d, '/__admin/ui/requests');
    const { page } = opened;
    for (const [path, headers] of [
      ['/v1/data/session-aggregation', CK_HEADERS],
      ['/v1/analytics/churn', { authorization: 'Bearer cc_test_churnmock' }],
      [
        '/reports/subscription-cancellation?aggregationField=nope',
        { 'reb-apikey': 'sk_test_churnmock' },
      ],
    ] as const)
      await call(d.base, path, { headers });
    await page.waitForFunction(() => document.querySelectorAll('.entry').length === 3);
    await page.selectOption('#r-vendor', 'ChurnCut API');
    expect(await page.locator('.entry code.path').allTextContents()).toEqual([
      '/v1/analytics/churn',
    ]);
    await page.selectOption('#r-vendor', '');
    await page.fill('#r-status', '5xx');
    expect(await page.locator('.entry code.path').allTextContents()).toEqual([
      '/v1/data/session-aggregation',
    ]);
    await page.locator('.entry summary').first().click();
    expect(await page.locator('.entry dl.facts').first().textContent()).toContain('sessions down');
    await page.fill('#r-status', '');
    await page.fill('#r-path', 'reports');
    expect(await page.locator('.entry code.path').allTextContents()).toEqual([
      '/reports/subscription-cancellation?aggregationField=nope',
    ]);
    expect(opened.errors).toEqual([]);
    await call(d.base, '/__admin/mappings', { method: 'DELETE' });
    await page.close();
  });
});
