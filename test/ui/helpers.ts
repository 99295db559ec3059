import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { MockOptionsInput } from '../../mock/core/options.ts';
import type { Mock } from '../../mock/create.ts';
import { launchChromium } from '../helpers/browser.ts';
import { customMock } from '../helpers/mock.ts';
import { listen } from '../helpers/wait.ts';

/** An element as the callbacks run in the page read it (these files compile without the DOM lib). */
export interface PageElement {
  readonly id: string;
  readonly tagName: string;
  readonly className: string;
  readonly outerHTML: string;
  readonly textContent: string | null;
  readonly value: string;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly right: number };
}

/** The page's document, as those callbacks use it. */
export interface PageDocument {
  readonly activeElement: PageElement | null;
  readonly documentElement: { readonly scrollWidth: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { readonly length: number };
}

declare const document: PageDocument;
declare const window: { readonly innerWidth: number };

/** Where the screenshots go (git-ignored): looked at by a person, never committed. */
export const SHOTS = 'test-results/ui';

/** The widths every page is checked and photographed at: a laptop and a phone. */
export const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** A mock listening on a free port, and a headless Chromium to look at its dashboard. */
export interface Dashboard {
  readonly mock: Mock;
  readonly base: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startDashboard(options: MockOptionsInput = {}): Promise<Dashboard> {
  const mock = await customMock(options);
  const server: Server = createServer(mock.app);
  const base = await listen(server);
  const browser = await launchChromium();
  return {
    mock,
    base,
    browser,
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      mock.stop();
    },
  };
}

/** A page of the dashboard and every console error and uncaught exception it has had. */
export interface Opened {
  readonly page: Page;
  readonly errors: string[];
}

/** Opens `path` at the laptop size, collecting console errors and page errors. */
export async function openPage(d: Dashboard, path: string): Promise<Opened> {
  const page = await d.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  // Offline: nothing but the mock itself (its blob: and data: URLs too) is ever asked for.
  page.on('request', (r) => {
    const url = r.url();
    const own = url.startsWith(d.base) || url.startsWith(`blob:${d.base}`);
    if (!own && !url.startsWith('data:')) errors.push(`remote request: ${url}`);
  });
  await page.goto(`${d.base}${path}`);
  await page.waitForSelector('main[data-page]');
  return { page, errors };
}

/**
 * Photographs the page at both widths (`test-results/ui/<name>-<width>.png`, the whole page, and
 * `-top.png`, the window), checking at each
 * that nothing is wider than the window (no sideways scrolling), then asserts no console
 * error or page error happened; back at the laptop size after.
 */
export async function shootAndCheck({ page, errors }: Opened, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const v of VIEWPORTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    // Charts and wrapped text settle on the new width.
    await page.waitForTimeout(250);
    const { scrollWidth, innerWidth, wide } = await page.evaluate(() => {
      const w = window.innerWidth;
      const over = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > w + 1)
        .filter((e) => !e.closest('.scroll, pre'))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide: over };
    });
    expect(scrollWidth, `${name} at ${v.width}px: wider than the window (${wide.join(', ')})`).toBe(
      innerWidth,
    );
    await page.screenshot({ path: `${SHOTS}/${name}-${v.width}.png`, fullPage: true });
    // What a person first sees, at the window's own size.
    await page.screenshot({ path: `${SHOTS}/${name}-${v.width}-top.png` });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(errors).toEqual([]);
}

/** A vendor or admin call as a test makes it (Node's fetch, as curl would). */
export async function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
