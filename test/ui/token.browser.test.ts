import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract } from '../helpers/contract.ts';
import { call, type Dashboard, openPage, shootAndCheck, startDashboard } from './helpers.ts';

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard({ adminToken: 'sesame' });
});
afterAll(async () => {
  await d?.close();
});

describe('the dashboard with an admin token', () => {
  it('asks for the token first, then sends it on every admin call', async () => {
    const refused = await call(d.base, '/__admin/apis');
    await expectContract('listApis', refused);
    expect(refused.status).toBe(401);
    const opened = await openPage(d, '/');
    const { page } = opened;
    await page.waitForSelector('#token-input');
    await shootAndCheck(opened, 'token');
    await page.fill('#token-input', 'sesame');
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.waitForSelector('[data-api="churncut"]');
    // The page's calls carried it: the clock moved from the Control page.
    await page.getByRole('link', { name: 'Control' }).click();
    await page.getByRole('button', { name: '+1D' }).click();
    await page.waitForSelector('[data-clock="2026-01-01T00:00:00.000Z"]');
    expect(opened.errors).toEqual([]);
    await page.close();
  });

  it('takes it from ?token= and drops it from the address bar', async () => {
    const { page, errors } = await openPage(d, '/?token=sesame');
    await page.waitForSelector('[data-api="churncut"]');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#token-input').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
