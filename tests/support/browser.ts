// Debian's Chromium driven by playwright-core (never `playwright install`: no downloads at test time).
import { Browser, chromium } from 'playwright-core';
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
