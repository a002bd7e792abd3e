import type { ThreadsKernelExports } from '../kernel-exports.js';
import type { ThreadPool } from './pool.js';

// The activations in the order of their kind constants in assembly/activation.ts, which
// activationForwardPart and activationBackwardPart take.
const ACTIVATIONS = ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'geluTanh', 'elu', 'softplus', 'silu', 'relu6', 'hardsigmoid', 'hardswish', 'mish'] as const;
type Activation = (typeof ACTIVATIONS)[number];
// The widest forward and backward signatures: each activation's kernel is one of these without some of a and b.
type ActivationForward = (x: number, out: number, n: number, a?: number, b?: number) => void;
type ActivationBackward = (saved: number, upstream: number, gradIn: number, n: number, a?: number, b?: number) => void;

/** An activation's share of elements: the kind, its forward or backward arguments, then [begin, end); and exact GELU's recording pair (the slope kept for backward). */
export const ACTIVATION_KERNELS = ['activationForwardPart', 'activationBackwardPart', 'geluForwardWithSlopePart', 'geluBackwardFromSlopePart'] as const;

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
 * upstream, gradIn, n, a?, b?), and exact GELU's forward that keeps its slope with the backward
 * that reads it, spread over the pool's threads by element chunks: each element is computed on
 * its own, so results do not depend on the split.
 */
export function withParallelActivation(kernels: ThreadsKernelExports, pool: ThreadPool): ThreadsKernelExports {
  const parallel: Partial<Pick<ThreadsKernelExports, `${Activation}Forward` | `${Activation}Backward`>> = {};
  ACTIVATIONS.forEach((name, kind) => {
    // Every activation's kernels take at most the parameters a and b; those without ignore them, as the parts do.
    const forward: (x: number, out: number, n: number, a: number, b: number) => void = kernels[`${name}Forward`];
    const backward: (saved: number, upstream: number, gradIn: number, n: number, a: number, b: number) => void = kernels[`${name}Backward`];
    const parallelForward: ActivationForward = (x, out, n, a = 0, b = 0) => {
      if (n < MIN_PARALLEL_ACTIVATION) forward(x, out, n, a, b);
      else pool.runByElements('activationForwardPart', [kind, x, out, n, a, b], n);
    };
    const parallelBackward: ActivationBackward = (saved, upstream, gradIn, n, a = 0, b = 0) => {
      if (n < MIN_PARALLEL_ACTIVATION) backward(saved, upstream, gradIn, n, a, b);
      else pool.runByElements('activationBackwardPart', [kind, saved, upstream, gradIn, n, a, b], n);
    };
    parallel[`${name}Forward`] = parallelForward;
    parallel[`${name}Backward`] = parallelBackward;
  });
  const { geluForwardWithSlope, geluBackwardFromSlope } = kernels;
  return {
    ...kernels,
    ...parallel,
    geluForwardWithSlope: (x, out, slope, n) => {
      if (n < MIN_PARALLEL_ACTIVATION) geluForwardWithSlope(x, out, slope, n);
      else pool.runByElements('geluForwardWithSlopePart', [x, out, slope, n], n);
    },
    geluBackwardFromSlope: (slope, upstream, gradIn, n) => {
      if (n < MIN_PARALLEL_ACTIVATION) geluBackwardFromSlope(slope, upstream, gradIn, n);
      else pool.runByElements('geluBackwardFromSlopePart', [slope, upstream, gradIn, n], n);
    },
  };
}
