import { record } from '../autograd/node.js';
import { formatShape, normalizeAxis } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkTensor, describe } from '../check-args.js';
import { sumToShape } from './reduce.js';
import { reshape } from './shape.js';
import { broadcastStrides, contiguousStrides, copyStrided } from './strided-copy.js';

/** The order of the input's dimensions in the output (ONNX Transpose's perm). */
export interface PermuteAttributes {
  dims: number[];
}

/** The dimensions of x reordered, as torch.permute; a contiguous copy, not a view. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', 'x', x);
  const order = checkPermutation(dims, x.ndim);
  const out = Tensor.empty(order.map((d) => x.shape[d]!));
  const strides = contiguousStrides(x.shape);
  copyStrided({ src: x.ptr, dst: out.ptr, shape: out.shape, srcStrides: order.map((d) => strides[d]!), dstStrides: contiguousStrides(out.shape) });
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return record(out, { op: 'permute', inputs: [x], attributes: { dims: order } satisfies PermuteAttributes, backward: (g) => [permute(g, inverse)] });
}

/**
 * x with dimensions dim0 and dim1 swapped, as torch.transpose (a copy). Without dims, x must be
 * 2-D and this is its matrix transpose (torch's x.t()).
 */
export function transpose(x: Tensor, dim0?: number, dim1?: number): Tensor {
  checkTensor('transpose', 'x', x);
  if (dim0 === undefined && dim1 === undefined) {
    if (x.ndim !== 2) throw new Error(`simdgrad: transpose: without dims it needs a 2-D tensor, got shape ${formatShape(x.shape)}; pass the two dims to swap, as transpose(x, dim0, dim1).`);
    return permute(x, [1, 0]);
  }
  if (dim0 === undefined || dim1 === undefined) {
    throw new Error(`simdgrad: transpose: pass both dims to swap (got dim0 ${describe(dim0)}, dim1 ${describe(dim1)}), or neither for a 2-D tensor.`);
  }
  const a = normalizeAxis(dim0, x.ndim, 'transpose');
  const b = normalizeAxis(dim1, x.ndim, 'transpose');
  const order = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, order);
}

/** x with a dimension of size 1 inserted at dim (in [-ndim-1, ndim]); shares memory with x. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', 'x', x);
  const at = normalizeAxis(dim, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

/**
 * x without its size-1 dimensions (only those among `dim` when given; a listed dimension whose
 * size is not 1 stays, as in torch). Shares memory with x.
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor('squeeze', 'x', x);
  if (dim !== undefined && typeof dim !== 'number' && !Array.isArray(dim)) throw new Error(`simdgrad: squeeze: dim must be an integer, an array of integers, or omitted (every size-1 dimension), got ${describe(dim)}.`);
  const listed = dim === undefined ? null : (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeAxis(d, x.ndim, 'squeeze'));
  return reshape(x, x.shape.filter((size, i) => size !== 1 || (listed !== null && !listed.includes(i))));
}

/**
 * x repeated along its size-1 dimensions (and new leading ones) to `sizes`, as torch.expand;
 * -1 keeps a dimension's size. A contiguous copy, not a view.
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  checkTensor('expand', 'x', x);
  const shape = expandedShape(x.shape, sizes);
  const out = Tensor.empty(shape);
  copyStrided({ src: x.ptr, dst: out.ptr, shape, srcStrides: broadcastStrides(x.shape, shape), dstStrides: contiguousStrides(shape) });
  return record(out, { op: 'expand', inputs: [x], backward: (g) => [sumToShape(g, x.shape)] });
}

function expandedShape(from: readonly number[], sizes: readonly number[]): number[] {
  if (!Array.isArray(sizes) || sizes.length < from.length) {
    throw new Error(`simdgrad: expand: sizes ${describe(sizes)} must list at least as many dimensions as x has (${formatShape(from)}).`);
  }
  const lead = sizes.length - from.length;
  return sizes.map((size, i) => {
    const own = i < lead ? undefined : from[i - lead]!;
    if (size === -1 && own !== undefined) return own;
    checkInteger('expand', `size ${i}`, size, 0);
    if (own !== undefined && own !== 1 && own !== size) {
      throw new Error(`simdgrad: expand: cannot expand shape ${formatShape(from)} to ${formatShape(sizes)}: dimension ${i} has size ${own}, and only size-1 dimensions can be expanded (use -1 to keep it).`);
    }
    return size;
  });
}

function checkPermutation(dims: readonly number[], ndim: number): number[] {
  if (!Array.isArray(dims) || dims.length !== ndim) {
    throw new Error(`simdgrad: permute: dims ${describe(dims)} must list each of the tensor's ${ndim} dimensions once.`);
  }
  const order = dims.map((d) => normalizeAxis(d, ndim, 'permute'));
  if (new Set(order).size !== ndim) {
    throw new Error(`simdgrad: permute: dims ${formatShape(dims)} repeat a dimension; each of the ${ndim} dimensions must appear once.`);
  }
  return order;
}
