import typescript from '@rollup/plugin-typescript';
import { wasm } from '@rollup/plugin-wasm';

// One ESM bundle with the kernels inlined (base64), so it loads in Node, Deno, Bun, browsers and
// workers with no file next to it; 'simdgrad/slim', the same API without the inlined kernels for
// those who pass init({ wasm }), and the Node conveniences are entries sharing the core chunk.
// The 'simdgrad' entry's init() and what only it imports: the two builds, inlined.
const INLINED_KERNELS = /(\/simdgrad(-relaxed)?\.wasm|\/src\/backend\/(inlined-kernels|init)\.ts)$/;
// The two threads builds, inlined too but in a chunk of their own that init() imports only when
// asked for threads: the default bundle stays as small as before.
const INLINED_THREADS_KERNELS = /(\/simdgrad-threads(-relaxed)?\.wasm|\/src\/backend\/inlined-threads-kernels\.ts)$/;

const ENTRIES = { simdgrad: 'src/index.ts', slim: 'src/slim.ts', node: 'src/node/index.ts' };
const isEntry = (id) => Object.values(ENTRIES).some((entry) => id.endsWith(`/${entry}`));

function chunkOf(id) {
  if (INLINED_THREADS_KERNELS.test(id)) return 'inlined-threads-kernels';
  if (INLINED_KERNELS.test(id)) return 'inlined-kernels';
  return id.includes('/src/') && !id.includes('/src/node/') && !isEntry(id) ? 'core' : undefined;
}

export default {
  input: ENTRIES,
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    manualChunks: chunkOf,
    sourcemap: false,
  },
  external: [/^node:/],
  plugins: [
    wasm({ targetEnv: 'auto-inline', maxFileSize: 64 * 1024 * 1024 }),
    typescript({ tsconfig: './tsconfig.json', declaration: true, declarationDir: 'dist/types', outDir: 'dist' }),
  ],
};
