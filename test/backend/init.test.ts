import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

type Simdgrad = typeof import('simdgrad');

async function freshModule(): Promise<Simdgrad> {
  vi.resetModules();
  return (await import('simdgrad')) as Simdgrad;
}

const wasmBytes = () => readFileSync(new URL('../../build/simdgrad.wasm', import.meta.url));

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
});
