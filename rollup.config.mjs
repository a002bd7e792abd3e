import typescript from '@rollup/plugin-typescript';
import { wasm } from '@rollup/plugin-wasm';

// One ESM bundle with the kernels inlined (base64), so it loads in Node, Deno, Bun, browsers and
// workers with no file next to it; the Node conveniences are a second entry sharing the core.
export default {
  input: { simdgrad: 'src/index.ts', node: 'src/node/index.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    manualChunks: (id) => (id.includes('/src/') && !id.includes('/src/node/') ? 'core' : undefined),
    sourcemap: false,
  },
  external: [/^node:/],
  plugins: [
    wasm({ targetEnv: 'auto-inline', maxFileSize: 64 * 1024 * 1024 }),
    typescript({ tsconfig: './tsconfig.json', declaration: true, declarationDir: 'dist/types', outDir: 'dist' }),
  ],
};
