import { describe, expect, it, vi } from 'vitest';
import { partsOf } from '../../../src/backend/threads/parallel-gemm.js';

type BackendModule = typeof import('../../../src/backend/backend.js');

// Each thread count needs a program of its own (init() loads once per program): a fresh copy of
// the sources (whose kernels this test calls directly, as test/backend/gemm.test.ts does), with
// its own memory and workers.
async function withThreads(threads: number): Promise<{ backend: BackendModule }> {
  vi.resetModules();
  const { init } = await import('../../../src/index.js');
  const backend = await import('../../../src/backend/backend.js');
  await init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', threads });
  return { backend };
}

// [m, n, k]: cut across rows (m >= n, the parts sharing one packing of B) or columns (n > m),
// into parts of whole tiles or with a ragged last part, over more columns than one packed block
// (NC = 1024) and more than two steps of k (KC = 512); the small ones stay whole.
const SIZES: [number, number, number][] = [
  [301, 67, 129],
  [1031, 1030, 7],
  [61, 97, 257],
  [256, 256, 256],
  [9, 2053, 260],
  [37, 21, 1025],
  [130, 3, 257],
  [1, 300, 300],
  [7, 13, 5],
];
const MODES = ['product', 'accumulate', 'row bias + relu', 'column bias'] as const;

interface Case {
  m: number;
  n: number;
  k: number;
  transA: number;
  transB: number;
  mode: (typeof MODES)[number];
}

const CASES: Case[] = SIZES.flatMap(([m, n, k]) => [0, 1].flatMap((transA) => [0, 1].flatMap((transB) => MODES.map((mode) => ({ m, n, k, transA, transB, mode })))));

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = (state >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

// Runs every case through the public kernels of one program and returns each C's bits.
function runCases({ backend }: { backend: BackendModule }): Uint32Array[] {
  const { kernels, allocator } = backend.backend();
  return CASES.map(({ m, n, k, transA, transB, mode }, index) => {
    const place = (data: Float32Array): number => {
      const ptr = allocator.alloc(data.length * 4);
      allocator.f32().set(data, ptr >>> 2);
      return ptr;
    };
    const a = place(values(m * k, 3 * index + 1));
    const b = place(values(k * n, 3 * index + 2));
    const c = place(values(m * n, 3 * index + 3));
    const bias = place(values(Math.max(m, n), 7 * index));
    if (mode === 'product' || mode === 'accumulate') kernels.gemm!(transA, transB, m, n, k, a, b, c, mode === 'accumulate' ? 1 : 0);
    else kernels.gemmBiasRelu!(transA, transB, m, n, k, a, b, c, bias, mode === 'row bias + relu' ? 1 : 0, mode === 'row bias + relu' ? 1 : 0);
    const result = new Uint32Array(allocator.f32().slice(c >>> 2, (c >>> 2) + m * n).buffer);
    for (const ptr of [a, b, c, bias]) allocator.free(ptr);
    return result;
  });
}

describe('parallel GEMM', () => {
  it('cuts C across its longer side into the parts that keep the slowest thread shortest, the workers starting late, and keeps small products and matrix-vector products whole', () => {
    // 6 parts of 174 rows (the last 154), 3 per thread; 7 parts of 150 rows would leave one thread 4 of them.
    expect(partsOf(1024, 1024, 1024, 2)).toEqual({ splitColumns: 0, total: 1024, chunk: 174 });
    expect(partsOf(1024, 1024, 1024, 8)).toEqual({ splitColumns: 0, total: 1024, chunk: 132 });
    // 512 rows: 2 parts; 4 of 132 rows would leave one thread 276 rows, more than 4 % over the best.
    expect(partsOf(512, 512, 512, 2)).toEqual({ splitColumns: 0, total: 512, chunk: 258 });
    // Smaller products in more parts, which the calling thread takes while the workers wake.
    expect(partsOf(128, 128, 128, 2)).toEqual({ splitColumns: 0, total: 128, chunk: 30 });
    expect(partsOf(301, 67, 129, 2)).toEqual({ splitColumns: 0, total: 301, chunk: 48 });
    expect(partsOf(301, 67, 129, 3)).toEqual({ splitColumns: 0, total: 301, chunk: 48 });
    expect(partsOf(61, 97, 257, 2)).toEqual({ splitColumns: 1, total: 97, chunk: 40 });
    // An LSTM step: a batch of 32 rows, 4 gates of 256 columns.
    expect(partsOf(32, 1024, 256, 2)).toEqual({ splitColumns: 1, total: 1024, chunk: 128 });
    expect(partsOf(56, 56, 56, 2)).toEqual({ splitColumns: 0, total: 56, chunk: 12 });
    expect(partsOf(1, 300, 300, 2)).toBeNull();
    expect(partsOf(300, 1, 300, 2)).toBeNull();
    expect(partsOf(7, 13, 5, 2)).toBeNull();
    expect(partsOf(48, 48, 48, 2)).toBeNull();
    expect(partsOf(301, 67, 129, 1)).toBeNull();
    // One part would be the whole: nothing to share.
    expect(partsOf(6, 5, 5000, 2)).toBeNull();
  });

  it('gives C bit for bit as one thread does, with 2 and 3 threads, for every layout, accumulation, bias and ReLU', async () => {
    const one = runCases(await withThreads(1));
    for (const threads of [2, 3]) {
      const program = await withThreads(threads);
      expect(program.backend.getNumThreads()).toBe(threads);
      const many = runCases(program);
      CASES.forEach((problem, i) => {
        const differing = many[i]!.findIndex((bits, j) => bits !== one[i]![j]);
        expect({ ...problem, threads, differing }).toEqual({ ...problem, threads, differing: -1 });
      });
    }
  });
});
