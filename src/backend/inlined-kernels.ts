// The two builds inlined (base64) into the bundle by @rollup/plugin-wasm. Only the 'simdgrad'
// entry imports this module; 'simdgrad/slim' leaves it out, and with it about 166 KB.
import loadInlinedSimd from '../../build/simdgrad.wasm';
import loadInlinedRelaxed from '../../build/simdgrad-relaxed.wasm';
import type { InitOptions } from './backend.js';
import { compileSource, hasRelaxedSimd, type KernelBuild, type LoadedModule } from './load-module.js';

/** The 'simdgrad' entry's loader: the kernels passed as `wasm`, else the inlined `build` (its threads variant if `threaded`). */
export async function inlinedKernelsOrProvided(options: InitOptions, threaded: boolean): Promise<LoadedModule> {
  if (options.wasm !== undefined) return { module: await compileSource(options.wasm), build: 'custom' };
  return loadInlinedKernels(options.build ?? 'auto', threaded);
}

async function loadInlinedKernels(build: KernelBuild, threaded: boolean): Promise<LoadedModule> {
  const relaxed = build === 'relaxed-simd' || (build === 'auto' && hasRelaxedSimd());
  if (relaxed && !hasRelaxedSimd()) {
    throw new Error("simdgrad: init({ build: 'relaxed-simd' }): this runtime has no relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use build 'auto' or 'simd'.");
  }
  try {
    if (threaded) {
      const { loadThreadsKernels } = await import('./inlined-threads-kernels.js');
      return { module: await loadThreadsKernels(relaxed), build: relaxed ? 'relaxed-simd' : 'simd' };
    }
    return relaxed ? { module: await loadInlinedRelaxed(), build: 'relaxed-simd' } : { module: await loadInlinedSimd(), build: 'simd' };
  } catch (error) {
    throw new Error(
      'simdgrad: init(): this runtime refuses to compile WebAssembly from bytes (Cloudflare Workers/workerd do); ' +
        "import the kernels as a wasm module (the package ships 'simdgrad/simdgrad.wasm') and pass init({ wasm: module }). " +
        `The runtime said: ${(error as Error).message}`,
    );
  }
}
