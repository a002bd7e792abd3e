import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { formatShape, normalizeAxis, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe } from '../check-args.js';

/** The same values in another shape (one dimension may be -1); shares memory with x. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'input', x);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number')) throw new Error(`simdgrad: reshape: shape must be an array of integers (one may be -1), got ${describe(shape)}.`);
  const resolved = resolveShape(shape, x.size, x.shape);
  const out = Tensor.view(x, resolved);
  return record(out, { op: 'reshape', inputs: [x], backward: (g) => [reshape(g, x.shape)] });
}

/** Merges dimensions startDim..endDim (inclusive) into one, as torch.flatten. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeAxis(startDim, x.ndim, 'flatten');
  const end = normalizeAxis(endDim, x.ndim, 'flatten');
  if (start > end) throw new Error(`simdgrad: flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(x.shape)}.`);
  const merged = x.shape.slice(start, end + 1).reduce((n, d) => n * d, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** A copy of x that is part of the graph. */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', 'input', x);
  const out = Tensor.empty(x.shape);
  kernels().copy(x.ptr, out.ptr, x.size);
  return record(out, { op: 'clone', inputs: [x], backward: (g) => [g] });
}

function resolveShape(shape: readonly number[], size: number, from: readonly number[]): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const bad = shape.some((d) => !Number.isInteger(d) || d < -1) || unknown > 1;
  const resolved = shape.map((d) => (d === -1 ? size / known : d));
  if (bad || shapeSize(resolved) !== size || resolved.some((d) => !Number.isInteger(d))) {
    throw new Error(`simdgrad: reshape: cannot view shape ${formatShape(from)} (${size} elements) as ${formatShape(shape)}; the sizes must match (at most one -1).`);
  }
  return resolved;
}
