import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes } from './broadcast.js';
import { checkTensor, checkTensorOrNumber, describe } from '../check-args.js';
import { shapeOf, withTensors } from './compare.js';
import { sumToShape } from './reduce.js';
import { broadcastCopy } from './strided-copy.js';

/** where's condition, for exporters. */
export interface WhereAttributes {
  condition: Tensor;
}

/** maskedFill's mask and fill value, for exporters. */
export interface MaskedFillAttributes {
  mask: Tensor;
  value: number;
}

// Conditions are float32 masks (comparisons give 0/1): any nonzero value counts as true.

/** a where condition is true (nonzero), else b, with NumPy broadcasting of all three, as torch.where. */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor('where', 'condition', condition);
  checkTensorOrNumber('where', 'a', a);
  checkTensorOrNumber('where', 'b', b);
  const shape = broadcastShapes(broadcastShapes(condition.shape, shapeOf(a), 'where'), shapeOf(b), 'where');
  return withTensors(a, b, (x, y) => {
    const [c, xs, ys] = [condition, x, y].map((t) => broadcastCopy(t, shape)) as [Tensor, Tensor, Tensor];
    const out = Tensor.empty(shape);
    kernels().whereForward(c.ptr, xs.ptr, ys.ptr, out.ptr, out.size);
    record(out, {
      op: 'where',
      inputs: [x, y],
      attributes: { condition } satisfies WhereAttributes,
      saved: [c],
      backward: (g, [mask]) => [
        x.requiresGrad ? sumToShape(fillWhere(mask!, g, 0, false), x.shape) : null,
        y.requiresGrad ? sumToShape(fillWhere(mask!, g, 0, true), y.shape) : null,
      ],
    });
    if (c !== condition) c.dispose();
    if (xs !== x) xs.dispose();
    if (ys !== y) ys.dispose();
    return out;
  });
}

/** x with `value` wherever mask is true (nonzero), as torch.masked_fill; x and mask broadcast. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor('maskedFill', 'x', x);
  checkTensor('maskedFill', 'mask', mask);
  if (typeof value !== 'number') throw new Error(`simdgrad: maskedFill: value must be a number, got ${describe(value)}.`);
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedFill');
  const [m, xs] = [mask, x].map((t) => broadcastCopy(t, shape)) as [Tensor, Tensor];
  const out = fillWhere(m, xs, value, true);
  record(out, {
    op: 'maskedFill',
    inputs: [x],
    attributes: { mask, value } satisfies MaskedFillAttributes,
    saved: [m],
    backward: (g, [savedMask]) => [sumToShape(fillWhere(savedMask!, g, 0, true), x.shape)],
  });
  if (m !== mask) m.dispose();
  if (xs !== x) xs.dispose();
  return out;
}

// x with value where the mask is true (fillWhenTrue) or false; mask and x have one shape.
function fillWhere(mask: Tensor, x: Tensor, value: number, fillWhenTrue: boolean): Tensor {
  const out = Tensor.empty(x.shape);
  kernels().fillWhere(mask.ptr, x.ptr, out.ptr, out.size, value, fillWhenTrue ? 1 : 0);
  return out;
}
