import { startBackend, type InitOptions } from './backend.js';
import { compileSource, type WasmSource } from './load-module.js';

/** init() options of 'simdgrad/slim', which has no inlined kernels: `wasm` is required. */
export interface SlimInitOptions extends Omit<InitOptions, 'wasm' | 'build'> {
  /**
   * The kernels (required): the URL your bundler gives for `simdgrad/simdgrad.wasm` or
   * `simdgrad/simdgrad-relaxed.wasm` (Vite: `import url from 'simdgrad/simdgrad.wasm?url'`), the
   * file's bytes, or a precompiled `WebAssembly.Module`.
   */
  wasm: WasmSource;
}

/**
 * Loads the WebAssembly kernels from `wasm`: await it once before creating tensors or models.
 * The 'simdgrad' entry's init() needs no options, at the price of 166 KB of inlined kernels.
 */
export function init(options: SlimInitOptions): Promise<void> {
  checkSlimOptions(options);
  return startBackend(options, async ({ wasm }) => ({ module: await compileSource(wasm!), build: 'custom' }));
}

function checkSlimOptions(options: SlimInitOptions | undefined): void {
  if (options?.wasm === undefined) {
    throw new Error(
      "simdgrad: init() from 'simdgrad/slim' needs the kernels, and got no { wasm }: pass init({ wasm }) with the URL your bundler gives " +
        "for 'simdgrad/simdgrad.wasm' (Vite: import wasmUrl from 'simdgrad/simdgrad.wasm?url'), the file's bytes or a WebAssembly.Module; " +
        "or import from 'simdgrad', whose init() needs no options because it inlines the kernels.",
    );
  }
  if ((options as InitOptions).build !== undefined) {
    throw new Error(
      `simdgrad: init({ build: '${String((options as InitOptions).build)}' }) from 'simdgrad/slim': build picks among inlined kernels, which the slim entry leaves out; ` +
        "pass the build you want as wasm instead (simdgrad-relaxed.wasm for relaxed SIMD, simdgrad.wasm for plain SIMD).",
    );
  }
}
