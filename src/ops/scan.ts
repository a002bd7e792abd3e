import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { normalizeAxis, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from '../check-args.js';

/** The axis cumsum runs along, and whether from the end, for exporters. */
export interface CumsumAttributes {
  axis: number;
  reverse: boolean;
}

/** Running sums along dim, as torch.cumsum. Its gradient is the running sum from the end. */
export function cumsum(x: Tensor, dim: number): Tensor {
  checkTensor('cumsum', 'x', x);
  const axis = normalizeAxis(dim, x.ndim, 'cumsum');
  return runningSum(x, axis, false);
}

function runningSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = Tensor.empty(x.shape);
  const outer = shapeSize(x.shape.slice(0, axis));
  const inner = shapeSize(x.shape.slice(axis + 1));
  kernels().cumsumForward(x.ptr, out.ptr, outer, x.shape[axis] ?? 1, inner, reverse ? 1 : 0);
  return record(out, { op: 'cumsum', inputs: [x], attributes: { axis, reverse } satisfies CumsumAttributes, backward: (g) => [runningSum(g, axis, !reverse)] });
}
