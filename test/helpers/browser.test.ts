import { describe, expect, it } from 'vitest';
import { CHROMIUM, missingBrowser } from './browser.ts';

describe('missingBrowser', () => {
  it('names the path and both remedies when the browser is not there', () => {
    const message = missingBrowser('/nonexistent/chromium');
    expect(message).toContain('/nonexistent/chromium');
    expect(message).toContain('apt-get install chromium');
    expect(message).toContain('CHURNMOCK_CHROMIUM');
  });

  it('is null for a file that exists', () => {
    expect(missingBrowser(process.execPath)).toBeNull();
  });

  it('defaults to Debian’s path unless CHURNMOCK_CHROMIUM says otherwise', () => {
    expect(CHROMIUM).toBe(process.env.CHURNMOCK_CHROMIUM ?? '/usr/bin/chromium');
  });
});
