import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { normalizeAxis } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from '../check-args.js';

/** The dimension softmax and logSoftmax normalize over, non-negative. */
export interface SoftmaxAttributes {
  axis: number;
}

/** e^x / sum(e^x) along `dim`, as torch.nn.functional.softmax. */
export function softmax(x: Tensor, dim = -1): Tensor {
  return alongDim('softmax', 'softmax', x, dim);
}

/** x - ln(sum(e^x)) along `dim`: the log of softmax, computed without taking a log of it. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return alongDim('logSoftmax', 'logSoftmax', x, dim);
}

// The kernels see x as [outer, n, inner] with `dim` in the middle; both backwards read the output.
function alongDim(op: string, kernel: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  checkTensor(op, 'input', x);
  const axis = normalizeAxis(dim, x.ndim, op);
  const outer = product(x.shape.slice(0, axis));
  const n = x.shape[axis] ?? 1;
  const inner = product(x.shape.slice(axis + 1));
  const out = Tensor.empty(x.shape);
  kernels()[`${kernel}Forward`](x.ptr, out.ptr, outer, n, inner);
  return record(out, {
    op,
    inputs: [x],
    attributes: { axis } satisfies SoftmaxAttributes,
    saved: [out],
    backward: (g, [y]) => {
      const gradIn = Tensor.empty(x.shape);
      kernels()[`${kernel}Backward`](y!.ptr, g.ptr, gradIn.ptr, outer, n, inner);
      return [gradIn];
    },
  });
}

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}
