import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import {
  call,
  type Dashboard,
  openPage,
  type PageDocument,
  SHOTS,
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

interface Api {
  id: string;
  title: string;
  baseUrl: string;
  credentials: { value: string }[];
  operations: { operationId: string; curl: string }[];
}

describe('the dashboard’s Overview page', () => {
  it('GET / opens it: every API with its base URL, credentials and curl lines as /__admin/apis says', async () => {
    const res = await call(d.base, '/__admin/apis');
    await expectContract('listApis', res);
    const apis = (res.body as { apis: Api[] }).apis;
    const opened = await openPage(d, '/');
    const { page } = opened;
    expect(new URL(page.url()).pathname).toBe('/__admin/ui/');
    await page.waitForSelector('[data-api="rebilly-reports"]');
    expect(await page.locator('main h1').textContent()).toBe('Overview');
    for (const api of apis) {
      const card = page.locator(`[data-api="${api.id}"]`);
      expect(await card.locator('h2').textContent()).toBe(api.title);
      expect(await card.locator('code.url').first().textContent()).toBe(api.baseUrl);
      const values = await card
        .locator('table.credentials tbody tr td:nth-child(2)')
        .allTextContents();
      expect(values).toEqual(api.credentials.map((c) => c.value));
      for (const op of api.operations)
        expect(await card.locator(`[data-operation="${op.operationId}"] pre`).textContent()).toBe(
          op.curl,
        );
      expect(await card.locator('a', { hasText: 'API docs' }).getAttribute('href')).toBe(
        `/__admin/ui/docs/${api.id}`,
      );
    }
    if (process.env.CHURNMOCK_README_SCREENSHOT === '1')
      await page.screenshot({ path: 'docs/dashboard-overview.png' });
    await shootAndCheck(opened, 'overview');
    await page.close();
  });

  it('the keyboard reaches every page link; the current one is marked', async () => {
    const { page, errors } = await openPage(d, '/__admin/ui/');
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const text = await page.evaluate(() =>
        document.activeElement?.closest('nav') ? document.activeElement.textContent : null,
      );
      if (text) seen.push(text);
    }
    expect(seen).toEqual(['Overview', 'Data', 'Requests', 'Webhooks', 'Control']);
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Overview');
    // Back from the first control of the page past Control to Webhooks, and follow it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page="webhooks"]');
    expect(new URL(page.url()).pathname).toBe('/__admin/ui/webhooks');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Webhooks');
    // Every form control has a label.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !(e.id && document.querySelector(`label[for="${e.id}"]`)))
        .map((e) => e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a docs link renders the contract with Redoc from the package', async () => {
    const opened = await openPage(d, '/__admin/ui/');
    const { page } = opened;
    await page.waitForSelector('[data-api="churncut"]');
    await Promise.all([
      page.waitForURL(/\/__admin\/ui\/docs\/churncut$/),
      page.locator('[data-api="churncut"] a', { hasText: 'API docs' }).click(),
    ]);
    await page.waitForSelector('h1', { timeout: 20_000 });
    expect(await page.locator('h1').first().textContent()).toContain('ChurnCut');
    expect(await page.locator('text=Start cancellation flow').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/docs-churncut-1280.png` });
    expect(opened.errors).toEqual([]);
    await page.close();
  });
});
