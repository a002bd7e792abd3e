// The training page: `npm run demo:web` serves it (vite), `npm run build:web` writes static files
// to web/dist. The page imports 'simdgrad' as a user would: the built bundle in ../dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

// Cross-origin isolation, which SharedArrayBuffer (and so threaded kernels) needs in browsers.
const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('.'),
  base: './',
  // data/ holds the Fashion-MNIST subset: served at ./fashion-mnist-subset/ and copied into the build.
  publicDir: here('../data'),
  resolve: { alias: [{ find: /^simdgrad$/, replacement: here('../dist/simdgrad.js') }] },
  worker: { format: 'es' },
  server: { headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022' },
});
