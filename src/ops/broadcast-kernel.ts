// Broadcasting kernels without autograd: reduce.ts's backward needs broadcastTo and
// arithmetic.ts the binary kernels, and neither may import the other (reduce.ts's sumToShape is
// arithmetic's backward).
import { kernels } from '../backend/backend.js';
import { full } from '../creation.js';
import { Tensor } from '../tensor.js';
import { broadcastBlocks, broadcastShapes } from './broadcast.js';

export type BinaryKernel = 'addForward' | 'subForward' | 'mulForward' | 'divForward' | 'sameValueForward';

/** Runs a broadcasting binary kernel into a new tensor of shape `outShape`. */
export function broadcastBinary(kernel: BinaryKernel, a: Tensor, b: Tensor, outShape: readonly number[]): Tensor {
  const out = Tensor.empty(outShape);
  const run = kernels()[kernel];
  const [ap, bp, op] = [a.ptr, b.ptr, out.ptr];
  for (const blk of broadcastBlocks(outShape, a.shape, b.shape)) {
    run(ap + 4 * blk.aOffset, bp + 4 * blk.bOffset, op + 4 * blk.outOffset, blk.outer, blk.inner, blk.aOuter, blk.aInner, blk.bOuter, blk.bInner);
  }
  return out;
}

/** x repeated along its size-1 (or missing) dimensions to `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const zero = full([], 0);
  const out = broadcastBinary('addForward', x, zero, broadcastShapes(x.shape, shape, 'broadcastTo'));
  zero.dispose();
  return out;
}
