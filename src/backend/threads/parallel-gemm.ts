import type { Kernel } from '../backend.js';
import type { ThreadPool } from './pool.js';

// Below this many multiply-adds a product stays on the calling thread: waking the workers and
// waiting for them costs more than they save (bench/gemm-threads.mjs, 2 threads against 1: even
// at 41-48 cubed, ahead from 56 cubed).
export const MIN_PARALLEL_MACS = 1 << 17;
// Parts of C start on whole micro-tiles: rows at multiples of 30 (the tile is 5 rows in the plain
// build, 6 in the relaxed one), columns at multiples of 8 (its width in both).
const ROW_ALIGN = 30;
const COLUMN_ALIGN = 8;

/**
 * The kernels with gemm and gemmBiasRelu spread over the pool's threads: C is cut into parts of
 * whole tiles, several per thread (across its rows, or its columns when it has more of them, so that each thread packs
 * the smaller operand again), and each element is computed by exactly one thread in the same order
 * as on one thread (see gemmPart), so products are bit-identical for any thread count.
 */
export function withParallelGemm(kernels: Record<string, Kernel>, pool: ThreadPool): Record<string, Kernel> {
  const { gemm, gemmBiasRelu } = kernels;
  return {
    ...kernels,
    gemm: (transA, transB, m, n, k, a, b, c, accumulate) => {
      const parts = partsOf(m!, n!, k!, pool.chunks);
      if (parts === null) return gemm!(transA!, transB!, m!, n!, k!, a!, b!, c!, accumulate!);
      pool.run('gemmPart', [transA!, transB!, m!, n!, k!, a!, b!, c!, accumulate!, 0, 0, 0, parts.splitColumns], parts.total, parts.chunk);
      return 0;
    },
    gemmBiasRelu: (transA, transB, m, n, k, a, b, c, bias, biasPerRow, relu) => {
      const parts = partsOf(m!, n!, k!, pool.chunks);
      if (parts === null) return gemmBiasRelu!(transA!, transB!, m!, n!, k!, a!, b!, c!, bias!, biasPerRow!, relu!);
      pool.run('gemmPart', [transA!, transB!, m!, n!, k!, a!, b!, c!, 0, bias!, biasPerRow!, relu!, parts.splitColumns], parts.total, parts.chunk);
      return 0;
    },
  };
}

/** How to cut C[m,n] into about `parts` parts, or null to keep it whole (matrix-vector products, small products). */
export function partsOf(m: number, n: number, k: number, parts: number): { splitColumns: number; total: number; chunk: number } | null {
  if (m <= 1 || n <= 1 || k <= 0 || m * n * k < MIN_PARALLEL_MACS) return null;
  const splitColumns = n > m;
  const total = splitColumns ? n : m;
  const align = splitColumns ? COLUMN_ALIGN : ROW_ALIGN;
  const chunk = Math.ceil(total / parts / align) * align;
  return chunk >= total ? null : { splitColumns: splitColumns ? 1 : 0, total, chunk };
}
