import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

type SimdgradSlim = typeof import('simdgrad/slim');

async function freshSlim(): Promise<SimdgradSlim> {
  vi.resetModules();
  return (await import('simdgrad/slim')) as SimdgradSlim;
}

const wasmBytes = () => new Uint8Array(readFileSync(new URL('../../build/simdgrad.wasm', import.meta.url)));
const threadsWasmBytes = () => new Uint8Array(readFileSync(new URL('../../build/simdgrad-threads.wasm', import.meta.url)));

describe("init() of 'simdgrad/slim'", () => {
  it('runs the kernels it is given, as bytes or a precompiled Module', async () => {
    for (const wasm of [wasmBytes(), new WebAssembly.Module(wasmBytes())]) {
      const sg = await freshSlim();
      await sg.init({ wasm });
      expect(sg.kernelBuild()).toBe('custom');
      expect(sg.tensor([1, 2]).mul(3).toArray()).toEqual([3, 6]);
    }
  });

  it('runs the threads build it is given on 2 threads, and refuses threads with kernels that have no shared memory, naming the build to pass', async () => {
    const sg = await freshSlim();
    await sg.init({ wasm: threadsWasmBytes(), threads: 2 });
    expect(sg.getNumThreads()).toBe(2);
    const product = sg.matmul(sg.ones([64, 64]), sg.ones([64, 64]));
    expect(Array.from(new Set(product.toFloat32Array()))).toEqual([64]);
    await expect((await freshSlim()).init({ wasm: wasmBytes(), threads: 2 })).rejects.toThrow(
      /^simdgrad: init\(\): the runtime could not set up the kernels \(.*\); if you passed \{ wasm \}, pass simdgrad's own simdgrad-threads\.wasm or simdgrad-threads-relaxed\.wasm \(threads need a shared memory\)\.$/,
    );
  });

  it('without { wasm } says where to get the kernels, and initializes nothing', async () => {
    const sg = await freshSlim();
    const message = "simdgrad: init() from 'simdgrad/slim' needs the kernels, and got no { wasm }: pass init({ wasm }) with the URL your bundler gives for 'simdgrad/simdgrad.wasm'";
    expect(() => sg.init(undefined as never)).toThrow(message);
    expect(() => sg.init({} as never)).toThrow(message);
    expect(sg.isInitialized()).toBe(false);
  });

  it('rejects { build }, which picks among inlined kernels it does not have', async () => {
    const sg = await freshSlim();
    expect(() => sg.init({ wasm: wasmBytes(), build: 'simd' } as never)).toThrow("simdgrad: init({ build: 'simd' }) from 'simdgrad/slim': build picks among inlined kernels");
    expect(sg.isInitialized()).toBe(false);
  });

  it('rejects a source it cannot load', async () => {
    const sg = await freshSlim();
    await expect(sg.init({ wasm: 42 as never })).rejects.toThrow('simdgrad: init({ wasm }) got a number; pass a URL');
  });
});
