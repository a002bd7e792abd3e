import type { Kernel } from '../backend.js';
import type { ThreadPool } from './pool.js';

// The activations in the order of their kind constants in assembly/activation.ts, which
// activationForwardPart and activationBackwardPart take.
const ACTIVATIONS = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'geluTanh', 'elu', 'softplus', 'silu', 'relu6', 'hardsigmoid', 'hardswish', 'mish'] as const;

/** An activation's share of elements: the kind, its forward or backward arguments, then [begin, end). */
export const ACTIVATION_KERNELS = ['activationForwardPart', 'activationBackwardPart'] as const;

// Below this many elements an activation stays on the calling thread. Set from costs: ReLU's
// forward or backward takes about 1 µs per 2000 elements on one thread and a task 20-50 µs
// (pool.ts), so a split pays from about 2^17; the costlier activations (GELU, mish) would pay
// earlier. Not confirmed by timing: measured with bench/ops-threads.mjs, 2 threads against 1, on
// the shared 2-core test machine under a load average of 5-7 from other processes: runs of one size
// differed by up to 2x, and 2 threads gained nothing reliable at any size (2^20, with the sum
// between forward and backward: 1.4-1.5 ms on 1 thread, 1.4-2.8 ms on 2).
export const MIN_PARALLEL_ACTIVATION = 1 << 17;

/**
 * The kernels with every activation's forward (x, out, n, a?, b?) and backward (saved,
 * upstream, gradIn, n, a?, b?) spread over the pool's threads by element chunks: each element is
 * computed on its own, so results do not depend on the split.
 */
export function withParallelActivation(kernels: Record<string, Kernel>, pool: ThreadPool): Record<string, Kernel> {
  const parallel: Record<string, Kernel> = {};
  ACTIVATIONS.forEach((name, kind) => {
    const forward = kernels[`${name}Forward`]!;
    const backward = kernels[`${name}Backward`]!;
    parallel[`${name}Forward`] = (x, out, n, a = 0, b = 0) => {
      if (n! < MIN_PARALLEL_ACTIVATION) return forward(x!, out!, n!, a, b);
      pool.runByElements('activationForwardPart', [kind, x!, out!, n!, a, b], n!);
      return 0;
    };
    parallel[`${name}Backward`] = (saved, upstream, gradIn, n, a = 0, b = 0) => {
      if (n! < MIN_PARALLEL_ACTIVATION) return backward(saved!, upstream!, gradIn!, n!, a, b);
      pool.runByElements('activationBackwardPart', [kind, saved!, upstream!, gradIn!, n!, a, b], n!);
      return 0;
    };
  });
  return { ...kernels, ...parallel };
}
