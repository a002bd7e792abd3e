import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';
import { add, mul } from './arithmetic.js';
import { broadcastShapes } from './broadcast.js';
import { checkTensor, checkTensorOrNumber, describe } from '../check-args.js';
import { runBroadcast, shapeOf, withTensors, type BroadcastKernel } from './compare.js';
import { sumToShape } from './reduce.js';

/** |x| elementwise; the gradient at 0 is 0, as in torch. */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', 'x', x);
  const out = Tensor.empty(x.shape);
  kernels().absForward(x.ptr, out.ptr, x.size);
  return record(out, {
    op: 'abs',
    inputs: [x],
    saved: [x],
    backward: (g, [input]) => {
      const gx = Tensor.empty(g.shape);
      kernels().absBackward(input!.ptr, g.ptr, gx.ptr, g.size);
      return [gx];
    },
  });
}

/** clamp's bounds, -Infinity and Infinity where there is none, for exporters. */
export interface ClampAttributes {
  min: number;
  max: number;
}

/**
 * x limited to [min, max] (either bound may be null), as torch.clamp. The gradient passes where
 * min <= x <= max, bounds included, as in torch. For tensor bounds use minimum/maximum.
 */
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  checkTensor('clamp', 'x', x);
  if (min === null && max === null) throw new Error('simdgrad: clamp: pass min, max or both (got neither).');
  const low = checkBound(min, 'min', -Infinity);
  const high = checkBound(max, 'max', Infinity);
  const out = Tensor.empty(x.shape);
  kernels().clampForward(x.ptr, out.ptr, x.size, low, high);
  return record(out, {
    op: 'clamp',
    inputs: [x],
    attributes: { min: low, max: high } satisfies ClampAttributes,
    saved: [x],
    backward: (g, [input]) => {
      const gx = Tensor.empty(g.shape);
      kernels().clampBackward(input!.ptr, g.ptr, gx.ptr, g.size, low, high);
      return [gx];
    },
  });
}

/** The smaller of a and b elementwise (broadcasting; NaN wins); ties split the gradient, as torch.minimum. */
export function minimum(a: Tensor | number, b: Tensor | number): Tensor {
  return extremum('minimum', 'minimumForward', 'ltForward', a, b);
}

/** The larger of a and b elementwise (broadcasting; NaN wins); ties split the gradient, as torch.maximum. */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  return extremum('maximum', 'maximumForward', 'gtForward', a, b);
}

// Gradient to a: g * ([a wins] + 0.5 [a == b]), to b the rest, as torch's minimum/maximum backward.
function extremum(op: string, kernel: BroadcastKernel, wins: BroadcastKernel, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensorOrNumber(op, 'a', a);
  checkTensorOrNumber(op, 'b', b);
  const shape = broadcastShapes(shapeOf(a), shapeOf(b), op);
  return withTensors(a, b, (x, y) => {
    const out = runBroadcast(kernel, x, y, shape);
    return record(out, {
      op,
      inputs: [x, y],
      saved: [x, y],
      backward: (g, [sx, sy]) => {
        const tie = mul(runBroadcast('eqForward', sx!, sy!, shape), 0.5);
        const share = (first: Tensor, second: Tensor, target: Tensor) =>
          target.requiresGrad ? sumToShape(mul(g, add(runBroadcast(wins, first, second, shape), tie)), target.shape) : null;
        return [share(sx!, sy!, x), share(sy!, sx!, y)];
      },
    });
  });
}

function checkBound(bound: number | null, name: string, none: number): number {
  if (bound === null || bound === undefined) return none;
  if (typeof bound !== 'number' || Number.isNaN(bound)) {
    throw new Error(`simdgrad: clamp: ${name} must be a number (not NaN) or null, got ${describe(bound)}.`);
  }
  return bound;
}
