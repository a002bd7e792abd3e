import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, manualSeed, noGrad, randn, tidy } from 'simdgrad';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';
import { lenet } from '../helpers/onnx-models.js';
import { maxAbs, maxAbsDifference } from '../helpers/compare.js';

interface PageOutput {
  dims: number[];
  data: number[];
}

// The exported LeNet runs in headless Chromium on onnxruntime-web (its wasm backend), as a site
// deploying a model trained with simdgrad would run it.
describe('onnxruntime-web in Chromium runs the exported LeNet and gets simdgrad’s outputs', () => {
  let server: StaticServer;
  let browser: Chromium;
  beforeAll(async () => {
    requireBuiltBundle();
    [server, browser] = await Promise.all([serveStatic(repoRoot), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('at a batch size other than the traced one, within 1e-5 of max|output|', async () => {
    manualSeed(11);
    const model = lenet();
    model.eval();
    const bytes = exportOnnx(model, { inputShape: [1, 1, 28, 28] });
    const shape = [4, 1, 28, 28];
    const { input, want } = noGrad(() =>
      tidy(() => {
        const x = randn(shape);
        return { input: Array.from(x.toFloat32Array()), want: model.forward(x).toFloat32Array() };
      }),
    );
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} for ${response.url()}`));
    try {
      await page.goto(`${server.origin}test/interop/hosts/onnxruntime-web.html`);
      await page.waitForFunction(() => (window as { onnxReady?: boolean }).onnxReady === true, null, { timeout: 30_000 });
      const got = await page.evaluate(
        ([modelBytes, values, dims]) => (window as unknown as { runOnnx: (b: number[], v: number[], d: number[]) => Promise<PageOutput> }).runOnnx(modelBytes, values, dims),
        [Array.from(bytes), input, shape] as const,
      );
      expect(problems).toEqual([]);
      expect(got.dims).toEqual([4, 10]);
      expect(maxAbsDifference(got.data, want)).toBeLessThanOrEqual(1e-5 * maxAbs(want));
    } finally {
      await page.close();
      model.dispose();
    }
  });
});
