import type { Kernel } from '../backend.js';
import type { ThreadPool } from './pool.js';

// The activations in the order of their kind constants in assembly/activation.ts, which
// activationForwardPart and activationBackwardPart take.
const ACTIVATIONS = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'geluTanh', 'elu', 'softplus', 'silu', 'relu6', 'hardsigmoid', 'hardswish', 'mish'] as const;

/** An activation's share of elements: the kind, its forward or backward arguments, then [begin, end). */
export const ACTIVATION_KERNELS = ['activationForwardPart', 'activationBackwardPart'] as const;

// Below this many elements an activation stays on the calling thread. Measured with
// bench/ops-threads.mjs, 2 threads against 1, on the shared 2-core test machine: when another
// process holds one of the cores, 2 threads lose at any size (a claimed chunk waits for its
// thread's turn), so only runs with both cores free say where a split pays; in the best of those
// ReLU forward (relu-forward) took 52-68 µs on 1 thread and 45 µs on 2 at 2^18 elements, 202-225
// and 143 µs at 2^20, and GELU, with its exponential, 844-900 and 454 µs at 2^18. A task costs
// 20-50 µs (pool.ts), about ReLU's cost for 2^17 elements, where this threshold sits. Other runs,
// with a core taken, gave 2 threads up to twice the one-thread time at every size.
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
