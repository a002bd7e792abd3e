import { kernels } from '../backend/backend.js';
import { traceComposite } from '../autograd/node.js';
import { add, exp, log, sub } from './arithmetic.js';
import { checkTensor } from '../check-args.js';
import { checkNonEmpty, reduceExtremum } from './extremum.js';
import { resolveAxes, sum, type Dims, type ReduceAttributes } from './reduce.js';
import { reshape } from './shape.js';
import type { Tensor } from '../tensor.js';

/**
 * log(sum(exp(x))) over `dim`, computed stably as m + log(sum(exp(x - m))) with m the maximum
 * (0 where it is infinite), as torch.logsumexp. The gradient is softmax(x) over those dims.
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  checkTensor('logsumexp', 'x', x);
  const axes = resolveAxes(dim, x.ndim, 'logsumexp');
  checkNonEmpty(x, axes, 'logsumexp');
  return traceComposite({ op: 'logsumexp', inputs: [x], attributes: { axes, keepdim } satisfies ReduceAttributes }, () => stableLogSumExp(x, axes, keepdim));
}

// The shift is computed off the tape (its gradient cancels), so a trace must see the whole op.
function stableLogSumExp(x: Tensor, axes: number[], keepdim: boolean): Tensor {
  const shift = reduceExtremum(x, axes, true);
  kernels().zeroInfinite(shift.ptr, shift.size);
  const shifted = sub(x, shift);
  const exps = exp(shifted);
  shifted.dispose();
  const total = sum(exps, axes, true);
  exps.dispose();
  const logs = log(total);
  total.dispose();
  const kept = add(logs, shift);
  logs.dispose();
  shift.dispose();
  if (keepdim) return kept;
  const out = reshape(kept, x.shape.filter((_, d) => !axes.includes(d)));
  kept.dispose();
  return out;
}
