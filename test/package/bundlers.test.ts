import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { serveStatic, type StaticServer } from '../portability/harness/static-server.js';

// The published package as a user gets it: `npm pack`, installed (offline: it has no
// dependencies) into a throwaway app, bundled by Vite, esbuild and webpack (run from this
// repository's node_modules), and each page trains in Chromium: Vite and esbuild with both
// 'simdgrad' (kernels inlined) and 'simdgrad/slim' (kernels a file), webpack with the slim entry.
const BUNDLERS = {
  'vite-slim': (app: string, out: string) => bundleWithVite(app, out),
  'vite-full': (app: string, out: string) => bundleWithVite(app, out),
  'esbuild-full': (app: string, out: string) => bundleWithEsbuild(app, out),
  'esbuild-slim': (app: string, out: string) => bundleWithEsbuild(app, out),
  'webpack-slim': (app: string, out: string) => bundleWithWebpack(app, out),
};
type Page = keyof typeof BUNDLERS;

interface PageRun {
  result: { build: string; firstLoss: number; lastLoss: number };
  requested: string[];
}

// Base64 of a wasm module's magic number and version: how an inlined build starts.
const INLINED_WASM = 'AGFzbQEAAAA';

let work: string;
let tarball: string;
let server: StaticServer;
let browser: Chromium;
const built: Partial<Record<Page, string>> = {};

beforeAll(async () => {
  requireBuiltBundle();
  work = mkdtempSync(join(tmpdir(), 'simdgrad-bundlers-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' })) as { filename: string }[];
  tarball = join(work, packed!.filename);
  const app = join(work, 'app');
  cpSync(join(repoRoot, 'test/package/app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bundled-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app, stdio: 'pipe' });
  for (const [page, bundle] of Object.entries(BUNDLERS)) {
    built[page as Page] = join(work, 'www', page);
    await bundle(join(app, page), built[page as Page]!);
  }
  [server, browser] = await Promise.all([serveStatic(join(work, 'www')), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function bundleWithVite(app: string, out: string): Promise<void> {
  await viteBuild({ root: app, configFile: false, logLevel: 'silent', base: './', build: { outDir: out, emptyOutDir: true } });
}

async function bundleWithEsbuild(app: string, out: string): Promise<void> {
  await esbuild.build({ entryPoints: [join(app, 'main.js')], outdir: out, bundle: true, format: 'esm', platform: 'browser', minify: true, loader: { '.wasm': 'file' }, logLevel: 'silent' });
  copyFileSync(join(app, 'index.html'), join(out, 'index.html'));
}

async function bundleWithWebpack(app: string, out: string): Promise<void> {
  const compiler = webpack({
    mode: 'production',
    context: app,
    entry: './main.js',
    output: { path: out, filename: 'main.js' },
    module: { rules: [{ test: /\.wasm$/, type: 'asset/resource' }] },
    performance: { hints: false },
  });
  await new Promise<void>((resolve, reject) => {
    compiler.run((error, stats) => {
      if (error || stats?.hasErrors()) reject(error ?? new Error(stats!.toString('errors-only')));
      else compiler.close(() => resolve());
    });
  });
  copyFileSync(join(app, 'index.html'), join(out, 'index.html'));
}

async function trainIn(page: Page): Promise<PageRun> {
  const tab = await browser.context.newPage();
  const problems: string[] = [];
  const requested: string[] = [];
  tab.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  tab.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  tab.on('request', (request) => requested.push(new URL(request.url()).pathname));
  try {
    await tab.goto(`${server.origin}${page}/index.html`);
    await tab.waitForFunction(() => (window as { simdgradResult?: unknown }).simdgradResult !== undefined, null, { timeout: 30_000 });
    const result = await tab.evaluate(() => (window as unknown as { simdgradResult: Promise<unknown> }).simdgradResult);
    if ((result as { error?: string }).error) throw new Error(`${page} failed: ${(result as { error: string }).error}\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
    return { result: result as PageRun['result'], requested };
  } finally {
    await tab.close();
  }
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => statSync(join(dir, file)).isFile());
}

function bundledScripts(page: Page): string {
  return filesIn(built[page]!).filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(built[page]!, file), 'utf8')).join('\n');
}

describe('the packed package, bundled for the browser', () => {
  it('packs the bundle, both wasm builds, the subset the Node loader reads, README and LICENSE, and no sources', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const file of ['package/dist/simdgrad.js', 'package/dist/slim.js', 'package/dist/node.js', 'package/dist/simdgrad.wasm', 'package/dist/simdgrad-relaxed.wasm', 'package/dist/simdgrad-threads.wasm', 'package/dist/simdgrad-threads-relaxed.wasm', 'package/README.md', 'package/LICENSE', 'package/data/fashion-mnist-subset/train-images-idx3-ubyte.gz']) {
      expect(listing).toContain(file);
    }
    expect(listing.filter((file) => /^package\/(src|assembly|test|examples|bench)\//.test(file))).toEqual([]);
  });

  it.each(['vite-slim', 'esbuild-slim', 'webpack-slim'] as const)('%s: the page fetches simdgrad.wasm once, inlines no kernels, and the loss falls', async (page) => {
    const { result, requested } = await trainIn(page);
    expect(result.build).toBe('custom');
    expect(result.lastLoss).toBeLessThan(result.firstLoss / 4);
    expect(requested.filter((path) => path.endsWith('.wasm'))).toHaveLength(1);
    expect(bundledScripts(page)).not.toContain(INLINED_WASM);
  });

  it.each(['vite-full', 'esbuild-full'] as const)('%s: the page runs the inlined relaxed-SIMD kernels, fetches no .wasm, and the loss falls', async (page) => {
    const { result, requested } = await trainIn(page);
    expect(result.build).toBe('relaxed-simd');
    expect(result.lastLoss).toBeLessThan(result.firstLoss / 4);
    expect(requested.filter((path) => path.endsWith('.wasm'))).toEqual([]);
    expect(bundledScripts(page)).toContain(INLINED_WASM);
  });

  it('the slim entry saves the inlined kernels: its Vite bundle is at least 150 KB smaller', () => {
    const size = (page: Page) => Buffer.byteLength(bundledScripts(page));
    expect(size('vite-full') - size('vite-slim')).toBeGreaterThan(150_000);
  });
});
