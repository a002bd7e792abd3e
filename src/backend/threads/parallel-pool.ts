import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ThreadPool } from './pool.js';

/** The pooling kernels (assembly/pool.ts) that split by plane, with where their `planes` argument is. */
const PLANES_ARGUMENT = {
  maxPool2dForward: 3,
  maxPool2dBackward: 3,
  avgPool2dForward: 2,
  avgPool2dBackward: 2,
  adaptiveAvgPool2dForward: 2,
  adaptiveAvgPool2dBackward: 2,
} as const;
type PoolKernel = keyof typeof PLANES_ARGUMENT;

/** Each pooling kernel's share of planes: its own arguments, then [begin, end) planes. */
export const POOL_KERNELS = ['maxPool2dForwardPart', 'maxPool2dBackwardPart', 'avgPool2dForwardPart', 'avgPool2dBackwardPart', 'adaptiveAvgPool2dForwardPart', 'adaptiveAvgPool2dBackwardPart'] as const;

// Below this many input elements a pooling stays on the calling thread. Measured with
// bench/ops-threads.mjs, 2 threads against 1, on the shared 2-core test machine: when another
// process holds one of the cores, 2 threads lose at any size (a claimed chunk waits for its
// thread's turn), so only runs with both cores free say where a split pays; in the best of those a
// 2x2 max pool forward (pool-forward) took 62-69 µs on 1 thread and 62-66 µs on 2 at 2^18 input
// elements, 236-251 and 131-159 µs at 2^20, 0.98-1.02 ms and 0.52 ms at 2^22, so the split breaks
// even near 2^18 (a task costs 20-50 µs, pool.ts), where this threshold sits. Other runs, with a
// core taken, gave 2 threads up to 1.3x the one-thread time at every size.
export const MIN_PARALLEL_POOL = 1 << 18;

/**
 * The kernels with 2-D pooling, forward and backward, spread over the pool's threads by plane
 * (one channel of one image): every plane is pooled on its own, exactly as in the whole call,
 * so results do not depend on the split.
 */
export function withParallelPool(kernels: ThreadsKernelExports, pool: ThreadPool): ThreadsKernelExports {
  const parallel: Partial<Pick<ThreadsKernelExports, PoolKernel>> = {};
  for (const [name, at] of Object.entries(PLANES_ARGUMENT) as [PoolKernel, number][]) {
    // Each kernel's part takes its arguments unchanged, then [begin, end) planes.
    const whole: (...args: number[]) => void = kernels[name];
    parallel[name] = (...args: number[]) => {
      const planes = args[at]!;
      const height = args[at + 1]!;
      const width = args[at + 2]!;
      if (planes < 2 || planes * height * width < MIN_PARALLEL_POOL) whole(...args);
      else pool.run(`${name}Part`, args, planes, Math.ceil(planes / pool.chunks));
    };
  }
  return { ...kernels, ...parallel };
}
