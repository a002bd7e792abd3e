import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { repoRoot } from '../portability/harness/paths.js';

export const VITE_CONFIG = join(repoRoot, 'web/vite.config.mjs');

/** `npm run build:web` into a fresh folder: the static files a host would serve. */
export async function buildPage(): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'simdgrad-web-'));
  await build({ configFile: VITE_CONFIG, logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Console errors, uncaught exceptions and failed requests of `page`, collected as they happen. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} for ${response.url()}`));
  return problems;
}

/** How many pixels of the canvases matching `selector` are neither transparent nor white. */
export function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).reduce((total, canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240)) inked++;
      return total + inked;
    }, 0),
  );
}

/** Waits until the page's state (body[data-state]) is `state`, failing early with the page's error if it shows one. */
export async function waitForState(page: Page, state: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction((wanted) => document.body.dataset.state === wanted || document.body.dataset.error !== undefined, state, { timeout });
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error !== undefined) throw new Error(`the page shows an error: ${error}`);
}
