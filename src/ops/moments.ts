import { checkOptions, checkTensor, describe } from '../check-args.js';
import { div, mul, sqrt, sub } from './arithmetic.js';
import { mean, resolveAxes, sum, type Dims } from './reduce.js';
import type { Tensor } from '../tensor.js';

export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) is the unbiased estimate, 0 the population variance. */
  correction?: number;
  /** Keep each reduced dimension with size 1 (default false). */
  keepdim?: boolean;
}

/**
 * Variance over `dim` (all dimensions when omitted), sum((x - mean)^2) / max(0, N - correction),
 * as torch.var. Exported as `variance` and, for `import { var as ... }`, `var` (a reserved word
 * in JavaScript); also x.var().
 */
export function variance(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return varianceOf('var', x, dim, options);
}

/** Standard deviation, the square root of variance (same options), as torch.std. */
export function std(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  const v = varianceOf('std', x, dim, options);
  const out = sqrt(v);
  v.dispose();
  return out;
}

// Composed from recorded ops, so the gradient is theirs; each intermediate handle is freed
// as soon as the next op has it (the tape keeps what backward needs).
function varianceOf(op: string, x: Tensor, dim: Dims, options: VarianceOptions): Tensor {
  checkTensor(op, 'x', x);
  options = checkOptions<VarianceOptions>(op, options) as VarianceOptions;
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new Error(`simdgrad: ${op}: correction must be a finite number, got ${describe(correction)}.`);
  }
  const axes = resolveAxes(dim, x.ndim, op);
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const average = mean(x, axes, true);
  const centered = sub(x, average);
  average.dispose();
  const squares = mul(centered, centered);
  centered.dispose();
  const total = sum(squares, axes, options.keepdim ?? false);
  squares.dispose();
  const out = div(total, Math.max(0, count - correction));
  total.dispose();
  return out;
}
