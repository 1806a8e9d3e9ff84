/**
 * Headless Chromium for the dashboard's end-to-end tests and benchmark (this file holds no tests):
 * Debian's `chromium` driven by playwright-core (no browser download). As root the sandbox must be
 * off. `CHROMIUM` names another binary; when none is installed the callers skip with SKIP_REASON
 * (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_REASON = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does)`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What a page did that a test should know about: alert/confirm dialogs, uncaught errors, console errors (CSP violations among them). */
export interface PageWatch {
  dialogs: string[];
  errors: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { dialogs: [], errors: [] };
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => watch.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  return watch;
}

/** Where screenshots go (out/ is not committed): out/screenshots/NAME.png. */
export function screenshotPath(name: string): string {
  const dir = join(process.cwd(), 'out', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Whether a canvas has any painted pixel (a drawn curve). */
export async function canvasPainted(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    if (c.width === 0 || c.height === 0) return false;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });
}
