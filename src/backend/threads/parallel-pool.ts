import type { Kernel } from '../backend.js';
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

// Below this many input elements a pooling stays on the calling thread. Set from costs: a 2x2 max
// pool, forward and backward, takes about 1 µs per 1000 input elements on one thread and a task
// 20-50 µs (pool.ts), so a split pays from about 2^17. Not confirmed by timing: measured with
// bench/ops-threads.mjs, 2 threads against 1, on the shared 2-core test machine under a load
// average of 5-7 from other processes: runs of one size differed by up to 2x, and 2 threads gained
// nothing reliable at any size (2^20: 1.0 ms on 1 thread, 0.7-1.4 ms on 2).
export const MIN_PARALLEL_POOL = 1 << 17;

/**
 * The kernels with 2-D pooling, forward and backward, spread over the pool's threads by plane
 * (one channel of one image): every plane is pooled on its own, exactly as in the whole call,
 * so results do not depend on the split.
 */
export function withParallelPool(kernels: Record<string, Kernel>, pool: ThreadPool): Record<string, Kernel> {
  const parallel: Record<string, Kernel> = {};
  for (const [name, at] of Object.entries(PLANES_ARGUMENT) as [PoolKernel, number][]) {
    const whole = kernels[name]!;
    parallel[name] = (...args) => {
      const planes = args[at]!;
      const height = args[at + 1]!;
      const width = args[at + 2]!;
      if (planes < 2 || planes * height * width < MIN_PARALLEL_POOL) return whole(...args);
      pool.run(`${name}Part`, args, planes, Math.ceil(planes / pool.chunks));
      return 0;
    };
  }
  return { ...kernels, ...parallel };
}
