// Debian's Chromium driven by playwright-core (never `playwright install`: no downloads at test time).
import { Browser, chromium, Page } from 'playwright-core';
import { TEST_PASSWORD } from './staff';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export function artifact(name: string): string {
  return path.join(ARTIFACTS_DIR, name);
}

/** A new browser context (desktop size, Chinese) signed in as the person through the sign-in page. */
export async function signInAs(browser: Browser, base: string, staffId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=staffId]', staffId);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  return page;
}
