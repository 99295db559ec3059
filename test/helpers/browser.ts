import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// Debian's chromium (installed by .ci/run); never a browser downloaded by playwright.
// CHURNMOCK_CHROMIUM names another one.
export const CHROMIUM = process.env.CHURNMOCK_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run, in the sentence the README gives; null when they can. */
export function missingBrowser(path: string = CHROMIUM): string | null {
  return existsSync(path)
    ? null
    : `The browser tests need Chromium at ${path}: install Debian's chromium (apt-get install chromium) or set CHURNMOCK_CHROMIUM to its path.`;
}

/** Launches Debian's headless Chromium with the flags this machine needs. */
export async function launchChromium(): Promise<Browser> {
  const missing = missingBrowser();
  if (missing) throw new Error(missing);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
