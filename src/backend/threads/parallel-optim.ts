import type { LinearAllocator } from '../allocator.js';
import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ThreadPool } from './pool.js';

/** The optimizer updates (assembly/optim.ts): each takes its table and hyper-parameters, then the element range [begin, end). */
export const OPTIMIZER_KERNELS = [
  'sgdStepTensors', 'adamStepTensors', 'rmspropStepTensors', 'adagradStepTensors',
  'adamaxStepTensors', 'nadamStepTensors', 'radamStepTensors', 'adadeltaStepTensors',
] as const;
type OptimizerKernel = (typeof OPTIMIZER_KERNELS)[number];

/** The shares of zeroTensors and firstNonFiniteTensor over a list of tensors: the list, then the element range [begin, end). */
export const TENSOR_LIST_KERNELS = ['zeroTensorsPart', 'markNonFiniteTensorsPart'] as const;

// Below this many elements a param group's update stays on the calling thread. Measured with
// bench/ops-threads.mjs, 2 threads against 1, on the shared 2-core test machine:
// when another process holds one of the cores, 2 threads lose at any size (a claimed chunk waits
// for its thread's turn), so only runs with both cores free say where a split pays; there an Adam
// step over one tensor took 70 µs on 1 thread and 50-53 µs on 2 at 65536 elements, 138 and 84-100
// µs at 131072, 1.08-1.11 ms and 0.57-0.59 ms at 2^20; a task costs 20-50 µs to hand out and
// collect (pool.ts), so smaller updates stay whole.
export const MIN_PARALLEL_UPDATE = 1 << 16;

// Zeroing streams at memory speed, some 10 bytes a nanosecond, so a task (20-50 µs) pays only
// from about a million elements; the finite check reads each element and compares, about twice
// as slow, so from about 2^17 (estimates from those costs, as for MIN_PARALLEL_UPDATE).
export const MIN_PARALLEL_ZEROING = 1 << 20;
export const MIN_PARALLEL_FINITE_CHECK = 1 << 17;

/**
 * The kernels with every optimizer update spread over the pool's threads: one task over the
 * whole parameter table, cut into element chunks that may start and end inside a tensor. Each
 * element's update reads and writes only that element, so the bits do not depend on the split.
 * The step's finite check of the gradients and zeroGrad's zeroing split the same way.
 */
export function withParallelOptim(kernels: ThreadsKernelExports, pool: ThreadPool, allocator: LinearAllocator): ThreadsKernelExports {
  const { zeroTensors, firstNonFiniteTensor } = kernels;
  // Entries of a tensor list (tensor-table.ts list()): address, element count.
  const listedElements = (table: number, count: number): number => {
    const words = allocator.i32();
    let total = 0;
    for (let e = 0; e < count; e++) total += words[(table >>> 2) + 2 * e + 1]!;
    return total;
  };
  const parallel: Partial<Pick<ThreadsKernelExports, OptimizerKernel>> = {};
  for (const name of OPTIMIZER_KERNELS) {
    // Every update takes its table and hyper-parameters, then [begin, end); the wrapper passes on
    // however many it gets, so one wrapper serves all.
    const update: (...args: number[]) => void = kernels[name];
    parallel[name] = (...args: number[]) => {
      const end = args[args.length - 1]!;
      if (args[args.length - 2] !== 0 || end < MIN_PARALLEL_UPDATE) update(...args);
      else pool.runByElements(name, args.slice(0, -2), end);
    };
  }
  return {
    ...kernels,
    ...parallel,
    zeroTensors: (table, count) => {
      const total = listedElements(table, count);
      if (total < MIN_PARALLEL_ZEROING) zeroTensors(table, count);
      else pool.runByElements('zeroTensorsPart', [table, count], total);
    },
    // Each thread flags the tensors it finds NaN or Infinity in; the first flagged is the first
    // such tensor, as the one-thread kernel returns.
    firstNonFiniteTensor: (table, count) => {
      const total = listedElements(table, count);
      if (total < MIN_PARALLEL_FINITE_CHECK) return firstNonFiniteTensor(table, count);
      const flags = allocator.alloc(count * 4, 'the non-finite flags of the threads');
      try {
        allocator.i32().fill(0, flags >>> 2, (flags >>> 2) + count);
        pool.runByElements('markNonFiniteTensorsPart', [table, count, flags], total);
        return allocator.i32().subarray(flags >>> 2, (flags >>> 2) + count).indexOf(1);
      } finally {
        allocator.free(flags);
      }
    },
  };
}
