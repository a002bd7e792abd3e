import type { Kernel } from '../backend.js';
import type { ThreadPool } from './pool.js';

/** The optimizer updates (assembly/optim.ts): each takes its table and hyper-parameters, then the element range [begin, end). */
export const OPTIMIZER_KERNELS = [
  'sgdStepTensors', 'adamStepTensors', 'rmspropStepTensors', 'adagradStepTensors',
  'adamaxStepTensors', 'nadamStepTensors', 'radamStepTensors', 'adadeltaStepTensors',
] as const;

// Below this many elements a param group's update stays on the calling thread. Set from costs:
// an Adam step takes about 1 µs per 1000 elements on one thread and a task 20-50 µs to hand out
// and collect (pool.ts), so a split pays from about 2^16 elements. Not confirmed by timing: measured with bench/ops-threads.mjs, 2 threads
// against 1, on the shared 2-core test machine under a load average of 5-7 from other processes:
// runs of one size differed by up to 2x, and 2 threads gained nothing reliable at any size
// (32768 elements: 35 µs on 1 thread, 35-64 µs on 2; 2^20: 1.1-2.3 ms on 1, 0.7-2.4 ms on 2).
export const MIN_PARALLEL_UPDATE = 1 << 16;

/**
 * The kernels with every optimizer update spread over the pool's threads: one task over the
 * whole parameter table, cut into element chunks that may start and end inside a tensor. Each
 * element's update reads and writes only that element, so the bits do not depend on the split.
 */
export function withParallelOptim(kernels: Record<string, Kernel>, pool: ThreadPool): Record<string, Kernel> {
  const parallel: Record<string, Kernel> = {};
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
