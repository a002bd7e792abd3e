import type { LinearAllocator } from '../allocator.js';
import type { Kernel } from '../backend.js';
import type { ThreadPool } from './pool.js';

/** The optimizer updates (assembly/optim.ts): each takes its table and hyper-parameters, then the element range [begin, end). */
export const OPTIMIZER_KERNELS = [
  'sgdStepTensors', 'adamStepTensors', 'rmspropStepTensors', 'adagradStepTensors',
  'adamaxStepTensors', 'nadamStepTensors', 'radamStepTensors', 'adadeltaStepTensors',
] as const;

/** The shares of zeroTensors and firstNonFiniteTensor over a list of tensors: the list, then the element range [begin, end). */
export const TENSOR_LIST_KERNELS = ['zeroTensorsPart', 'markNonFiniteTensorsPart'] as const;

// Below this many elements a param group's update stays on the calling thread. Set from costs:
// an Adam step takes about 1 µs per 1000 elements on one thread and a task 20-50 µs to hand out
// and collect (pool.ts), so a split pays from about 2^16 elements. Not confirmed by timing:
// measured with bench/ops-threads.mjs, 2 threads against 1, on the shared 2-core test machine
// under a load average of 5-7 from other processes, runs of one size differed by up to 2x, and 2
// threads gained nothing reliable at any size
// (32768 elements: 35 µs on 1 thread, 35-64 µs on 2; 2^20: 1.1-2.3 ms on 1, 0.7-2.4 ms on 2).
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
export function withParallelOptim(kernels: Record<string, Kernel>, pool: ThreadPool, allocator: LinearAllocator): Record<string, Kernel> {
  const { zeroTensors, firstNonFiniteTensor } = kernels;
  // Entries of a tensor list (tensor-table.ts list()): address, element count.
  const listedElements = (table: number, count: number): number => {
    const words = allocator.i32();
    let total = 0;
    for (let e = 0; e < count; e++) total += words[(table >>> 2) + 2 * e + 1]!;
    return total;
  };
  const parallel: Record<string, Kernel> = {
    zeroTensors: (table, count) => {
      const total = listedElements(table!, count!);
      if (total < MIN_PARALLEL_ZEROING) return zeroTensors!(table!, count!);
      pool.runByElements('zeroTensorsPart', [table!, count!], total);
      return 0;
    },
    // Each thread flags the tensors it finds NaN or Infinity in; the first flagged is the first
    // such tensor, as the one-thread kernel returns.
    firstNonFiniteTensor: (table, count) => {
      const total = listedElements(table!, count!);
      if (total < MIN_PARALLEL_FINITE_CHECK) return firstNonFiniteTensor!(table!, count!);
      const flags = allocator.alloc(count! * 4, 'the non-finite flags of the threads');
      try {
        allocator.i32().fill(0, flags >>> 2, (flags >>> 2) + count!);
        pool.runByElements('markNonFiniteTensorsPart', [table!, count!, flags], total);
        return allocator.i32().subarray(flags >>> 2, (flags >>> 2) + count!).indexOf(1);
      } finally {
        allocator.free(flags);
      }
    },
  };
  for (const name of OPTIMIZER_KERNELS) {
    const update = kernels[name]!;
    parallel[name] = (...args) => {
      const end = args[args.length - 1]!;
      if (args[args.length - 2] !== 0 || end < MIN_PARALLEL_UPDATE) return update(...args);
      pool.runByElements(name, args.slice(0, -2), end);
      return 0;
    };
  }
  return { ...kernels, ...parallel };
}
