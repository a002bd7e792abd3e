import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'simdgrad';
import { loadWeights } from 'simdgrad/node';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';
import { MODELS } from '../../web/models.js';
import { buildPage, inkedPixels, waitForState, watchProblems } from './harness.js';

const ARTIFACTS = join(repoRoot, 'test-results');

// The page as `npm run build:web` writes it, served as plain static files, in headless Chromium.
describe('the training page (web/), built and served statically', () => {
  let page: Awaited<ReturnType<typeof buildPage>>;
  let server: StaticServer;
  let browser: Chromium;
  beforeAll(async () => {
    requireBuiltBundle();
    page = await buildPage();
    [server, browser] = await Promise.all([serveStatic(page.dir), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    page?.remove();
  });

  it('loads with no console errors: kernels and data ready in the worker, the grid of test images drawn', async () => {
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    try {
      await tab.goto(`${server.origin}index.html`);
      await waitForState(tab, 'ready');
      expect(await tab.textContent('#kernels')).toBe('WebAssembly relaxed SIMD (fused multiply-add)');
      expect(await tab.textContent('#dataInfo')).toBe('6,000 training, 1,000 validation images');
      expect(await tab.locator('#grid .sample').count()).toBe(40);
      expect(await inkedPixels(tab, '#grid canvas')).toBeGreaterThan(40 * 100);
      expect(await tab.isEnabled('#start')).toBe(true);
      console.log(`page ready ${await tab.evaluate(() => document.body.dataset.readyMs)} ms after navigation`);
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('trains LeNet for one epoch from ?autostart=1&epochs=1&model=lenet above 70 % and draws charts, predictions, confusion matrix, filters and feature maps', async () => {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 1280, height: 1100 });
    const problems = watchProblems(tab);
    try {
      await tab.goto(`${server.origin}index.html?autostart=1&epochs=1&model=lenet`);
      await waitForState(tab, 'done', 50_000);
      const final = await tab.textContent('#final');
      expect(final).toMatch(/^validation accuracy \d+\.\d %$/);
      expect(Number(/([\d.]+) %/.exec(final!)![1])).toBeGreaterThan(70);
      console.log(`LeNet in Chromium: ${await tab.textContent('#speed')}; ${final}`);

      // uPlot draws each chart on a canvas: the training curve and the validation point left ink.
      expect(await inkedPixels(tab, '#lossChart canvas')).toBeGreaterThan(200);
      expect(await inkedPixels(tab, '#accuracyChart canvas')).toBeGreaterThan(200);

      const grid = await tab.$$eval('#grid .sample', (samples) => samples.map((s) => ({ predicted: (s as HTMLElement).dataset.predicted, truth: (s as HTMLElement).dataset.true, wrong: s.classList.contains('wrong') })));
      expect(grid).toHaveLength(40);
      for (const { predicted, truth, wrong } of grid) expect(wrong).toBe(predicted !== truth);
      expect(grid.filter((s) => !s.wrong).length).toBeGreaterThan(28);

      expect(await tab.getAttribute('#confusion', 'data-total')).toBe('1000');
      expect(await inkedPixels(tab, '#confusion')).toBeGreaterThan(5000);
      expect(await tab.locator('#filters canvas').count()).toBe(8);
      expect(await tab.locator('#featureMaps canvas').count()).toBe(8);
      expect(await inkedPixels(tab, '#featureMaps canvas')).toBeGreaterThan(500);

      expect(await tab.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true); // nothing sticks out sideways
      mkdirSync(ARTIFACTS, { recursive: true });
      await tab.screenshot({ path: join(ARTIFACTS, 'web-page.png'), fullPage: true });

      const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('#download')]);
      expect(download.suggestedFilename()).toBe('fashion-mnist-lenet.safetensors');
      const path = join(ARTIFACTS, 'fashion-mnist-lenet.safetensors');
      await download.saveAs(path);
      const { tensors, metadata } = io.decodeSafetensors(await readFile(path));
      expect(metadata).toEqual({ format: 'pt', model: 'lenet' });
      expect([...tensors.keys()]).toEqual(['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight', '9.bias', '9.weight']);   // the reference writer's order: by dtype, then name
      const model = MODELS.lenet();
      const loaded = await loadWeights(model, path);
      expect(loaded.missingKeys).toEqual([]);
      expect(Array.from(model.stateDict().get('0.weight')!.data)).toEqual(Array.from(tensors.get('0.weight')!.data));
      model.dispose();
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('trains the MLP from ?autostart=1&epochs=1&model=mlp above 70 %, showing first-layer weight templates', async () => {
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    try {
      await tab.goto(`${server.origin}index.html?autostart=1&epochs=1&model=mlp`);
      await waitForState(tab, 'done', 30_000);
      const final = await tab.textContent('#final');
      expect(Number(/([\d.]+) %/.exec(final!)![1])).toBeGreaterThan(70);
      console.log(`MLP in Chromium: ${await tab.textContent('#speed')}; ${final}`);
      expect(await tab.locator('#filters canvas').count()).toBe(16);
      expect(await tab.textContent('#featureMaps')).toBe('The MLP has no convolution: choose LeNet to see feature maps.');
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('pauses and resumes training, answers input within 100 ms meanwhile, and resets', async () => {
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    const batch = () => tab.textContent('#batch');
    try {
      await tab.goto(`${server.origin}index.html?model=lenet&epochs=5`);
      await waitForState(tab, 'ready');
      await tab.click('#start');
      await tab.waitForFunction(() => Number(document.getElementById('batch')!.textContent!.split(' / ')[0]) >= 5);

      // A real click on a test image while the worker trains: the page's handler runs at once,
      // and the worker answers with that image's feature maps between two batches.
      await tab.evaluate(() => {
        const latencies: number[] = [];
        (window as unknown as { latencies: number[] }).latencies = latencies;
        document.addEventListener('pointerdown', (event) => latencies.push(performance.now() - event.timeStamp), true);
      });
      await tab.click('#grid .sample[data-index="7"]');
      const latencies = await tab.evaluate(() => (window as unknown as { latencies: number[] }).latencies);
      expect(latencies).toHaveLength(1);
      expect(latencies[0]).toBeLessThan(100);
      await tab.waitForFunction(() => document.getElementById('featureCaption')!.textContent!.includes('test image 8'));
      expect(await tab.getAttribute('body', 'data-state')).toBe('running');

      await tab.click('#pause');
      await waitForState(tab, 'paused');
      const pausedAt = await batch();
      await tab.waitForTimeout(500);
      expect(await batch()).toBe(pausedAt);
      expect(await tab.textContent('#pause')).toBe('Resume');

      await tab.click('#pause');
      await waitForState(tab, 'running');
      await tab.waitForFunction((before) => document.getElementById('batch')!.textContent !== before, pausedAt);

      await tab.click('#reset');
      await waitForState(tab, 'ready');
      expect(await tab.textContent('#final')).toBe('');
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
