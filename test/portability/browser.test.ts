import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from './harness/chromium.js';
import { nodeReference, runThreadsIn, type ThreadsResult } from './harness/cli-hosts.js';
import { expectLearnedXor, expectSameTrainingAs, type XorResult } from './harness/expect-learned.js';
import { repoRoot, requireBuiltBundle } from './harness/paths.js';
import { serveStatic, type StaticServer } from './harness/static-server.js';

interface PageRun {
  result: XorResult;
  /** Paths the page fetched from the server, in order. */
  requested: string[];
}

// The repository served as static files; hosts/page.html imports train-xor.mjs, which imports
// /dist/simdgrad.js as an ES module, exactly as a site would from its own copy of the package.
describe('Chromium (headless, driven by playwright-core) runs dist/simdgrad.js', () => {
  let server: StaticServer;
  let browser: Chromium;
  let reference: XorResult;
  beforeAll(async () => {
    requireBuiltBundle();
    [server, browser, reference] = await Promise.all([serveStatic(repoRoot), launchChromium(), nodeReference()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function trainXorInPage(build: 'auto' | 'simd'): Promise<PageRun> {
    const { result, requested } = await runPage(`page.html?build=${build}`);
    return { result: result as XorResult, requested };
  }

  // Opens hosts/<path>, waits for window.simdgradResult, and fails on any console error or failed request.
  async function runPage(path: string): Promise<{ result: unknown; requested: string[] }> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    const requested: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} for ${response.url()}`));
    try {
      await page.goto(`${server.origin}test/portability/hosts/${path}`);
      const settled = await page
        .waitForFunction(() => (window as { simdgradResult?: unknown }).simdgradResult !== undefined, null, { timeout: 30_000 })
        .then(() => page.evaluate(() => (window as unknown as { simdgradResult: Promise<unknown> }).simdgradResult))
        .catch((error: Error) => ({ error: error.message }));
      if ('error' in (settled as object)) throw new Error(`the page failed: ${(settled as { error: string }).error}\n${problems.join('\n')}`);
      expect(problems).toEqual([]);
      return { result: settled, requested };
    } finally {
      await page.close();
    }
  }

  it('init() picks the relaxed-SIMD build, which Chromium has, and learns XOR', async () => {
    const { result } = await trainXorInPage('auto');
    expect(result.relaxedSimd).toBe(true);
    expect(result.build).toBe('relaxed-simd');
    expectLearnedXor(result);
  });

  it('learns XOR with the plain SIMD build, as Node does, and frees every tensor (memory().tensors back to the start)', async () => {
    const { result } = await trainXorInPage('simd');
    expect(result.build).toBe('simd');
    expectLearnedXor(result);
    expectSameTrainingAs(result, reference);
  });

  it('loads the page, the script and the bundle, and no .wasm file: the kernels are inlined', async () => {
    const { requested } = await trainXorInPage('simd');
    expect(requested.slice(0, 3)).toEqual(['/test/portability/hosts/page.html', '/test/portability/train-xor.mjs', '/dist/simdgrad.js']);
    expect(requested.length).toBeGreaterThan(3);
    for (const path of requested.slice(3)) expect(path).toMatch(/^\/dist\/chunks\/[\w-]+\.js$/);
  });

  it('runs 2 threads on a cross-origin isolated page (its main thread spinning, as it may not wait) with the bits of one thread in Node', async () => {
    const [{ result }, oneThread] = await Promise.all([runPage('page-threads.html?threads=2&isolated'), runThreadsIn('node', 1)]);
    expect(result).toEqual({ ...oneThread, threads: 2 });
  });

  it('runs one thread on a page that is not cross-origin isolated, and init() says why', async () => {
    const { result } = await runPage('page-threads.html?threads=2');
    expect((result as ThreadsResult).threads).toBe(1);
    expect((result as ThreadsResult).warnings).toEqual([
      'simdgrad: init({ threads: 2 }): running on one thread: this page has no SharedArrayBuffer: serve it cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp).',
    ]);
  });
});
