import { kernels } from '../backend/backend.js';
import { traceResult } from '../autograd/node.js';
import { full } from '../creation.js';
import { Tensor } from '../tensor.js';
import { broadcastBlocks, broadcastShapes } from './broadcast.js';
import { checkTensorOrNumber } from '../check-args.js';

// Comparisons return masks: float32 tensors of 0 and 1 (the library has no bool dtype), with
// NumPy broadcasting. They are not differentiable, like torch's bool results; a mask works
// anywhere a condition is taken (where, maskedFill: nonzero is true) and in arithmetic.

export type BroadcastKernel = 'eqForward' | 'neForward' | 'ltForward' | 'leForward' | 'gtForward' | 'geForward' | 'minimumForward' | 'maximumForward';

/** a == b elementwise, as a 0/1 float32 mask. */
export function eq(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('eq', 'eqForward', a, b);
}

/** a != b elementwise (true where either is NaN), as a 0/1 float32 mask. */
export function ne(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('ne', 'neForward', a, b);
}

/** a < b elementwise, as a 0/1 float32 mask. */
export function lt(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('lt', 'ltForward', a, b);
}

/** a <= b elementwise, as a 0/1 float32 mask. */
export function le(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('le', 'leForward', a, b);
}

/** a > b elementwise, as a 0/1 float32 mask. */
export function gt(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('gt', 'gtForward', a, b);
}

/** a >= b elementwise, as a 0/1 float32 mask. */
export function ge(a: Tensor | number, b: Tensor | number): Tensor {
  return compare('ge', 'geForward', a, b);
}

function compare(op: string, kernel: BroadcastKernel, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensorOrNumber(op, 'a', a);
  checkTensorOrNumber(op, 'b', b);
  const shape = broadcastShapes(shapeOf(a), shapeOf(b), op);
  return withTensors(a, b, (x, y) => traceResult(runBroadcast(kernel, x, y, shape), { op, inputs: [x, y] }));
}

/** The shape a number or tensor operand broadcasts as: [] for a number. */
export function shapeOf(value: Tensor | number): readonly number[] {
  return typeof value === 'number' ? [] : value.shape;
}

/** Runs fn on a and b with numbers turned into 0-d tensors, freed afterwards. */
export function withTensors<T>(a: Tensor | number, b: Tensor | number, fn: (x: Tensor, y: Tensor) => T): T {
  const x = typeof a === 'number' ? full([], a) : a;
  const y = typeof b === 'number' ? full([], b) : b;
  try {
    return fn(x, y);
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

/** A broadcasting binary kernel of compare.ts's family into a new tensor of shape outShape. */
export function runBroadcast(kernel: BroadcastKernel, a: Tensor, b: Tensor, outShape: readonly number[]): Tensor {
  const out = Tensor.empty(outShape);
  const run = kernels()[kernel];
  for (const blk of broadcastBlocks(outShape, a.shape, b.shape)) {
    run(a.ptr + 4 * blk.aOffset, b.ptr + 4 * blk.bOffset, out.ptr + 4 * blk.outOffset, blk.outer, blk.inner, blk.aOuter, blk.aInner, blk.bOuter, blk.bInner);
  }
  return out;
}
