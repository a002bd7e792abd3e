import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';
import { watchProblems } from './harness.js';

type Values = { shape: number[]; values: number[] };

// What Node cannot show (it has no canvas, <img> or image decoder): hosts/browser-data.html reads
// one picture through every browser source and the test compares them.
describe('data.fromPixels, fromPixelsAsync and fetchIdx in Chromium', () => {
  let server: StaticServer;
  let browser: Chromium;
  let result: Record<string, unknown>;
  beforeAll(async () => {
    requireBuiltBundle();
    [server, browser] = await Promise.all([serveStatic(repoRoot), launchChromium()]);
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    await tab.goto(`${server.origin}test/web/hosts/browser-data.html`);
    await tab.waitForFunction(() => (window as { browserData?: unknown }).browserData !== undefined);
    result = await tab.evaluate(() => (window as unknown as { browserData: Promise<Record<string, unknown>> }).browserData);
    await tab.close();
    if ('error' in result) throw new Error(`the page failed: ${String(result.error)}`);
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const RGB = { shape: [1, 3, 2, 2], values: [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1] };
  const GRAY = { shape: [1, 1, 2, 2], values: [0.299, 0.587, 0.114, 1] };

  it('reads ImageData, a canvas, an OffscreenCanvas and an ImageBitmap to the same [1, 3, 2, 2] tensor', () => {
    for (const source of ['imageData', 'canvas', 'offscreenCanvas', 'imageBitmap']) expect(result[source], source).toEqual(RGB);
  });

  it('decodes a File (PNG) with fromPixelsAsync, and waits for an <img> to load', () => {
    expect(result.file).toEqual(RGB);
    expect(result.image).toEqual(GRAY);
    expect(result.imageAfterLoad).toEqual(GRAY);
  });

  it('tells the caller of fromPixels that an <img> is still loading', () => {
    expect(result.imageNotLoaded).toBe('simdgrad: fromPixels: an HTMLImageElement has no pixels yet (0 x 0): an <img> or <video> that is still loading? await fromPixelsAsync(image), or img.decode() first.');
  });

  it('resizes through a canvas', () => {
    const shrunk = result.shrunk as Values;
    expect(shrunk.shape).toEqual([1, 3, 2, 2]);
    expect(shrunk.values).toEqual([0.7843, 0.7843, 0.7843, 0.7843, 0.3922, 0.3922, 0.3922, 0.3922, 0.1961, 0.1961, 0.1961, 0.1961]);
    expect(result.grown).toEqual([1, 3, 4, 6]);
  });

  it('says when a Blob is not an image', () => {
    expect(result.notAnImage).toMatch(/^simdgrad: fromPixelsAsync: could not decode the 5-byte text\/plain as an image \(.+\); pass a PNG, JPEG, GIF, WebP or BMP file\.$/);
  });

  it('fetches an IDX file by a relative URL', () => {
    expect(result.fetchedLabels).toEqual([1000]);
  });
});
