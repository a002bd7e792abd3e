import type { LinearAllocator } from '../allocator.js';
import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ThreadPool } from './pool.js';

/** The losses' shares of rows: the whole call's arguments, the partial sums' address, then [begin, end) rows. */
export const LOSS_KERNELS = ['crossEntropyForwardPart'] as const;

// Below this many logits a cross-entropy stays on the calling thread. Set from costs: it takes
// about 1 µs per 100 logits (an exponential each) on one thread and a task 20-50 µs (pool.ts), so a
// split pays from a few thousand logits; 2^15 keeps every training batch of the standard workloads
// whole. Not confirmed by timing: on the shared 2-core test machine, under load from other
// processes, runs of one size differed by up to 2x (2^20 logits, forward and backward: 10-15 ms on
// 1 thread, 11-14 ms on 2).
export const MIN_PARALLEL_LOSS = 1 << 15;

/**
 * The kernels with cross-entropy spread over the pool's threads by blocks of rows. The sum over
 * rows is deterministic: each block of crossEntropyBlockRows() rows (fixed by the kernel, not by
 * the thread count) is summed in float64 into a partial of its own, and the partials are added
 * in block order, as the one-thread kernel adds them; so the loss has the same bits for any
 * number of threads.
 */
export function withParallelLoss(kernels: ThreadsKernelExports, pool: ThreadPool, allocator: LinearAllocator): ThreadsKernelExports {
  const { crossEntropyForward } = kernels;
  const blockRows = kernels.crossEntropyBlockRows();
  return {
    ...kernels,
    crossEntropyForward: (logits, targets, rows, cols, out, grad, perElement, scale, smoothing, ignoreIndex) => {
      const blocks = Math.ceil(rows / blockRows);
      if (blocks < 2 || rows * cols < MIN_PARALLEL_LOSS) {
        crossEntropyForward(logits, targets, rows, cols, out, grad, perElement, scale, smoothing, ignoreIndex);
        return;
      }
      const partials = allocator.alloc(blocks * 8, 'the cross-entropy partial sums of the threads');
      try {
        pool.run('crossEntropyForwardPart', [logits, targets, rows, cols, out, grad, perElement, scale, smoothing, ignoreIndex, partials], rows, Math.ceil(blocks / pool.chunks) * blockRows);
        if (perElement === 0) {
          const sums = new Float64Array(allocator.memory.buffer, partials, blocks);
          let total = 0;
          for (const sum of sums) total += sum;
          allocator.f32()[out >>> 2] = total;
        }
      } finally {
        allocator.free(partials);
      }
    },
  };
}
