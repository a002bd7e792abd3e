import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Gives source tests the same `.wasm` import the bundle gets from @rollup/plugin-wasm
// (auto-inline): a default export that compiles the inlined bytes.
function inlineWasm() {
  return {
    name: 'simdgrad-inline-wasm',
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith('.wasm')) return null;
      const base64 = (await readFile(id)).toString('base64');
      return `const bytes = Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));
export default (imports) => (imports ? WebAssembly.instantiate(bytes, imports) : WebAssembly.compile(bytes));`;
    },
  };
}

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// The same tests run three times: against the TypeScript sources, against the built bundle in
// dist/ (so a packaging mistake fails as surely as a wrong kernel), and against the bundle's
// relaxed-SIMD build (fused multiply-add), which runtimes that have it pick by default, on two
// threads (the threads build on a shared memory, with its workers splitting the kernels).
function project(name, core, slim, node, extra = {}) {
  return {
    plugins: [inlineWasm()],
    resolve: { alias: [{ find: /^simdgrad$/, replacement: core }, { find: /^simdgrad\/slim$/, replacement: slim }, { find: /^simdgrad\/node$/, replacement: node }] },
    test: { name, include: ['test/**/*.test.ts'], exclude: DIST_ONLY, setupFiles: ['test/helpers/setup.ts'], testTimeout: 120_000, hookTimeout: 60_000, ...extra },
  };
}

// The portability tests start other runtimes (Deno, Bun, Chromium, workerd) on the built bundle,
// the package tests run the built package as a user would (the demo, the README, bundlers), the
// page tests drive the training page (web/) in Chromium, the interop tests check exported files
// with other libraries (onnxruntime), and the soak tests run for a minute: they belong to the dist
// project alone; so do `*.dist.test.ts` files: tests that start a fresh `node` on the bundle, or
// are too costly to run three times.
const DIST_ONLY = ['test/portability/**', 'test/package/**', 'test/web/**', 'test/interop/**', 'test/soak/**', 'test/**/*.dist.test.ts'];

// Node 20 runs relaxed SIMD only behind a flag; later Node versions run it by default.
const relaxedSimdFlags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

export default defineConfig({
  test: {
    projects: [
      project('src', here('./src/index.ts'), here('./src/slim.ts'), here('./src/node/index.ts')),
      project('dist', here('./dist/simdgrad.js'), here('./dist/slim.js'), here('./dist/node.js'), { exclude: [] }),
      project('relaxed-threads', here('./dist/simdgrad.js'), here('./dist/slim.js'), here('./dist/node.js'), {
        env: { SIMDGRAD_BUILD: 'relaxed-simd', SIMDGRAD_THREADS: '2' },
        execArgv: relaxedSimdFlags,
      }),
    ],
  },
});
