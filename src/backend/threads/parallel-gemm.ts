import type { LinearAllocator } from '../allocator.js';
import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ThreadPool } from './pool.js';

// Below this many multiply-adds a product stays on the calling thread: waking the workers and
// waiting for them costs more than they save (bench/gemm-threads.mjs, 2 threads against 1: even
// at 41-48 cubed, ahead from 56 cubed).
export const MIN_PARALLEL_MACS = 1 << 17;
// Parts of C start on whole micro-tiles where they can: rows at multiples of 6 (the tile's height
// in the relaxed build; in the plain build, 5, a part may end in one partial tile), columns at
// multiples of 8 (its width in both).
const ROW_ALIGN = 6;
const COLUMN_ALIGN = 8;
// At most this many parts per thread. Several let a thread that another process holds off its
// core delay only its current part while the others take the rest; fewer, longer parts may
// balance better when every thread runs: partsOf takes the most parts that finish within
// BALANCE_SLACK of the best balance.
const MAX_PARTS_PER_THREAD = 4;
const BALANCE_SLACK = 0.04;
// What a part costs beyond its rows or columns, counted in rows or columns: a partial tile at its
// end, packing its share of A (of B when C is cut across columns), the start of its blocks.
const PART_OVERHEAD = 6;
// How late the workers start on a product, counted in the calling thread's multiply-adds (about
// 22 a ns here): half what waking a sleeping worker costs (20-40 µs, see pool.ts), as workers
// still spinning after the previous product start at once. Small products are then cut into
// more parts, for the calling thread to take while the workers come.
const WAKE_MACS = 1 << 18;

/**
 * The kernels with gemm and gemmBiasRelu spread over the pool's threads: C is cut into parts
 * across its rows, or its columns when it has more of them, and each element is
 * computed by exactly one thread in the same order as on one thread (see gemmPart), so products
 * are bit-identical for any thread count. Row parts share one packing of op(B), which the first
 * parts to need each block pack together; column parts each pack A, the smaller operand, again.
 */
export function withParallelGemm(kernels: ThreadsKernelExports, pool: ThreadPool, allocator: LinearAllocator): ThreadsKernelExports {
  const { gemm, gemmBiasRelu, gemmSharedBBytes, gemmSharedBReset } = kernels;
  // gemmPart's arguments up to `relu`, then how C is cut, the shared packing of B, the parts.
  const runParts = (args: number[], n: number, k: number, parts: Parts): void => {
    if (parts.splitColumns) {
      pool.run('gemmPart', [...args, 1, 0], parts.total, parts.chunk);
      return;
    }
    const sharedB = allocator.alloc(gemmSharedBBytes(k, n), 'the packing of B that the threads of a matrix product share');
    try {
      gemmSharedBReset(sharedB, k, n);
      pool.run('gemmPart', [...args, 0, sharedB], parts.total, parts.chunk);
    } finally {
      allocator.free(sharedB);
    }
  };
  return {
    ...kernels,
    gemm: (transA, transB, m, n, k, a, b, c, accumulate) => {
      const parts = partsOf(m, n, k, pool.threads);
      if (parts === null) gemm(transA, transB, m, n, k, a, b, c, accumulate);
      else runParts([transA, transB, m, n, k, a, b, c, accumulate, 0, 0, 0], n, k, parts);
    },
    gemmBiasRelu: (transA, transB, m, n, k, a, b, c, bias, biasPerRow, relu) => {
      const parts = partsOf(m, n, k, pool.threads);
      if (parts === null) gemmBiasRelu(transA, transB, m, n, k, a, b, c, bias, biasPerRow, relu);
      else runParts([transA, transB, m, n, k, a, b, c, 0, bias, biasPerRow, relu], n, k, parts);
    },
  };
}

interface Parts {
  splitColumns: number;
  total: number;
  chunk: number;
}

/**
 * How to cut C[m,n] into parts for `threads` threads, or null to keep it whole (matrix-vector
 * products, small products). Of the cuts into threads .. MAX_PARTS_PER_THREAD × threads parts,
 * takes the one with the most parts whose slowest thread finishes within BALANCE_SLACK of the
 * earliest finish: at N = 1024 on 2 threads, 6 parts of 174 rows (3 each), where 7 parts of 150
 * rows would leave one thread 4 of them, 574 rows against 450.
 */
export function partsOf(m: number, n: number, k: number, threads: number): Parts | null {
  if (threads < 2 || m <= 1 || n <= 1 || k <= 0 || m * n * k < MIN_PARALLEL_MACS) return null;
  const splitColumns = n > m;
  const total = splitColumns ? n : m;
  const align = splitColumns ? COLUMN_ALIGN : ROW_ALIGN;
  const wake = WAKE_MACS / (splitColumns ? m * k : n * k);
  const cuts: { chunk: number; finish: number }[] = [];
  for (let parts = threads * MAX_PARTS_PER_THREAD; parts >= threads; parts--) {
    const chunk = Math.ceil(total / parts / align) * align;
    if (chunk < total) cuts.push({ chunk, finish: slowestThread(total, chunk, threads, wake) });
  }
  if (cuts.length === 0) return null;
  const earliest = Math.min(...cuts.map((cut) => cut.finish));
  const { chunk } = cuts.find((cut) => cut.finish <= earliest * (1 + BALANCE_SLACK))!;
  return { splitColumns: splitColumns ? 1 : 0, total, chunk };
}

// When the last of `threads` equally fast threads is done with [0, total) in parts of `chunk`,
// claimed as ThreadPool.run hands them out (the last, shorter part first), each by the thread
// free first, the workers starting `wake` after the calling thread; in rows or columns, each part
// PART_OVERHEAD more than its length.
function slowestThread(total: number, chunk: number, threads: number, wake: number): number {
  const busyUntil = new Array<number>(threads).fill(wake);
  busyUntil[0] = 0;
  for (let begin = Math.floor((total - 1) / chunk) * chunk; begin >= 0; begin -= chunk) {
    const free = busyUntil.indexOf(Math.min(...busyUntil));
    busyUntil[free] = busyUntil[free]! + Math.min(chunk, total - begin) + PART_OVERHEAD;
  }
  return Math.max(...busyUntil);
}
