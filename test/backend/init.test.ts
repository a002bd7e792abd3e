import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

type Simdgrad = typeof import('simdgrad');

async function freshModule(): Promise<Simdgrad> {
  vi.resetModules();
  return (await import('simdgrad')) as Simdgrad;
}

const wasmUrl = new URL('../../build/simdgrad.wasm', import.meta.url);
const wasmBytes = () => readFileSync(wasmUrl);

describe('init', () => {
  it('says to await init() when a tensor is made before it', async () => {
    const sg = await freshModule();
    expect(() => sg.tensor([1])).toThrow(/not initialized: call `await init\(\)`/);
    const pending = sg.init();
    expect(() => sg.zeros([1])).toThrow(/init\(\) has not finished: await it/);
    await pending;
    expect(sg.zeros([2]).toArray()).toEqual([0, 0]);
  });

  it('accepts the kernels as bytes, an ArrayBuffer or a precompiled Module', async () => {
    const bytes = new Uint8Array(wasmBytes());
    for (const wasm of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), new WebAssembly.Module(bytes)]) {
      const sg = await freshModule();
      await sg.init({ wasm });
      expect(sg.tensor([1, 2]).add(1).toArray()).toEqual([2, 3]);
    }
  });

  it('rejects a source it cannot load', async () => {
    const sg = await freshModule();
    await expect(sg.init({ wasm: 42 as unknown as Uint8Array })).rejects.toThrow(/init\(\{ wasm \}\) got a number; pass a URL/);
  });

  it('reports out of memory with sizes and what to do, and keeps working afterwards', async () => {
    const sg = await freshModule();
    await sg.init({ maxMemoryMiB: 8 });
    const small = sg.ones([4]);
    expect(() => sg.zeros([4, 1024, 1024])).toThrow(/out of memory: a tensor of shape \[4, 1024, 1024\] needs a block of 16\.0 MiB, but the largest free block is \d+\.\d MiB.*maxMemoryMiB/);
    expect(small.add(1).toArray()).toEqual([2, 2, 2, 2]);
  });

  it('loads once: a second call with the same options or none does nothing, with other options it throws', async () => {
    const sg = await freshModule();
    await sg.init({ build: 'simd', maxMemoryMiB: 64 });
    const kept = sg.tensor([1, 2]);
    await sg.init();
    await sg.init({ build: 'simd' });
    await sg.init({ maxMemoryMiB: 64, build: 'simd' });
    await expect(sg.init({ maxMemoryMiB: 128 })).rejects.toThrow(
      /^simdgrad: init\(\{ maxMemoryMiB: 128 \}\): the kernels are already loaded with init\(\{ build: "simd", maxMemoryMiB: 64 \}\), and they load once per program/,
    );
    await expect(sg.init({ build: 'auto' })).rejects.toThrow(/^simdgrad: init\(\{ build: "auto" \}\): the kernels are already loaded/);
    expect(kept.add(1).toArray()).toEqual([2, 3]);
  });

  it('refuses invalid options, before or after loading', async () => {
    const sg = await freshModule();
    const bogus = { build: 'bogus' } as unknown as Parameters<Simdgrad['init']>[0];
    await expect(sg.init(bogus)).rejects.toThrow(`simdgrad: init({ build: "bogus" }): build must be 'auto', 'simd' or 'relaxed-simd'.`);
    await sg.init();
    await expect(sg.init(bogus)).rejects.toThrow(`simdgrad: init({ build: "bogus" }): build must be 'auto', 'simd' or 'relaxed-simd'.`);
    await expect(sg.init({ maxMemoryMiB: 5000 })).rejects.toThrow(/^simdgrad: init\(\{ maxMemoryMiB: 5000 \}\): must be a whole number of MiB from 1 to 4096/);
    await expect(sg.init({ maxMemoryMib: 64 } as unknown as Parameters<Simdgrad['init']>[0])).rejects.toThrow("simdgrad: init(): unknown option 'maxMemoryMib'; the options are wasm, build, maxMemoryMiB and threads.");
  });

  it('refuses a memory ceiling below what the kernels need, naming the least that works', async () => {
    const tooSmall = await freshModule();
    const error = await tooSmall.init({ maxMemoryMiB: 1 }).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^simdgrad: init\(\{ maxMemoryMiB: 1 \}\): these kernels need at least \d+ MiB \(their static data and GEMM packing scratch\) before any tensor; pass maxMemoryMiB >= \d+\.$/);
    const least = Number(/at least (\d+) MiB/.exec(error!.message)![1]);
    expect(least).toBeGreaterThan(1);

    if (least > 2) await expect((await freshModule()).init({ maxMemoryMiB: least - 1 })).rejects.toThrow(`these kernels need at least ${least} MiB`);
    const enough = await freshModule();
    await enough.init({ maxMemoryMiB: least });
    expect(enough.matmul(enough.ones([8, 8]), enough.ones([8, 8])).toArray()[0]).toEqual(Array(8).fill(8));
  });

  it('reads the kernels from a file: URL, an absolute path or a relative path in Node', async () => {
    const path = fileURLToPath(wasmUrl);
    for (const wasm of [wasmUrl, wasmUrl.href, path, relative(process.cwd(), path)]) {
      const sg = await freshModule();
      await sg.init({ wasm });
      expect(sg.kernelBuild()).toBe('custom');
      expect(sg.tensor([1, 2]).add(1).toArray()).toEqual([2, 3]);
    }
  });

  it('says what went wrong when the kernels cannot be loaded, always starting with simdgrad:', async () => {
    await expect((await freshModule()).init({ wasm: new URL('./no-such.wasm', wasmUrl) })).rejects.toThrow(/^simdgrad: init\(\{ wasm: 'file:.*no-such\.wasm' \}\): could not read the kernels from disk \(ENOENT/);
    await expect((await freshModule()).init({ wasm: 'http://127.0.0.1:9/simdgrad.wasm' })).rejects.toThrow(/^simdgrad: init\(\{ wasm: 'http:\/\/127\.0\.0\.1:9\/simdgrad\.wasm' \}\): could not fetch the kernels \(/);
    await expect((await freshModule()).init({ wasm: Uint8Array.of(1, 2, 3) })).rejects.toThrow(/^simdgrad: init\(\{ wasm \}\): the bytes given is not a WebAssembly module this runtime can compile/);
    // (module (import "x" "y" (func))): valid, but not simdgrad's kernels.
    const otherModule = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x78, 1, 0x79, 0, 0);
    await expect((await freshModule()).init({ wasm: otherModule })).rejects.toThrow(/^simdgrad: init\(\): the runtime could not set up the kernels \(.*Import #0.*\); if you passed \{ wasm \}, pass simdgrad's own simdgrad\.wasm/);
  });
});
