/**
 * Debian's Chromium driven by playwright-core (never a browser download), one browser per test file,
 * a fresh context (cookies, storage) per test. Screenshots go to test-output/screenshots for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output', 'screenshots');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface BrowserFixture {
  readonly browser: Browser;
  /** A new context and page; closed after the test file. */
  page(options?: BrowserContextOptions): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `executable` gives, once the earlier beforeAll hooks have run, a program to launch instead of CHROMIUM itself (a wrapper around it). */
export function useBrowser({ executable = () => CHROMIUM }: { executable?: () => string } = {}): BrowserFixture {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: executable(), args: ARGS, headless: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    async page(options = {}) {
      const context = await this.browser.newContext({ viewport: { width: 1024, height: 800 }, ...options });
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
