import { record } from '../autograd/node.js';
import { formatShape, normalizeAxis } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { checkInteger, checkTensor } from '../check-args.js';
import { reshape } from './shape.js';
import { contiguousStrides, copyStrided } from './strided-copy.js';

/** Which entries along which axis a slice took (ONNX Slice's inputs). */
export interface SliceAttributes {
  axis: number;
  start: number;
  count: number;
  step: number;
}

/**
 * x[..., start:end:step, ...] along dim, with Python's rules: negative start and end count from
 * the end, both are clamped to the dimension, and step must be positive. A copy, not a view.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  checkTensor('slice', 'x', x);
  const axis = normalizeAxis(dim, x.ndim, 'slice');
  const size = x.shape[axis]!;
  checkInteger('slice', 'start', start);
  if (end !== undefined) checkInteger('slice', 'end', end);
  checkInteger('slice', 'step', step, 1);
  const from = clampIndex(start, size);
  const to = end === undefined ? size : clampIndex(end, size);
  return stridedSlice(x, axis, from, Math.max(0, Math.ceil((to - from) / step)), step);
}

/** The `length` entries of x along dim from start (negative counts from the end), as torch.narrow. A copy. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', 'x', x);
  const axis = normalizeAxis(dim, x.ndim, 'narrow');
  const size = x.shape[axis]!;
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length, 0);
  const from = start < 0 ? start + size : start;
  if (from < 0 || from + length > size) {
    throw new Error(`simdgrad: narrow: start ${start} and length ${length} leave dim ${dim} of shape ${formatShape(x.shape)} (size ${size}); need -${size} <= start and start + length <= ${size}.`);
  }
  return stridedSlice(x, axis, from, length, 1);
}

/** x at position `index` of dim, with that dimension removed (x[..., index, ...]), as torch.select. A copy. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', 'x', x);
  const axis = normalizeAxis(dim, x.ndim, 'select');
  const size = x.shape[axis]!;
  checkInteger('select', 'index', index);
  if (index < -size || index >= size) {
    throw new Error(`simdgrad: select: index ${index} is out of range for dim ${dim} of shape ${formatShape(x.shape)} (size ${size}); valid: ${-size}..${size - 1}.`);
  }
  const picked = stridedSlice(x, axis, index < 0 ? index + size : index, 1, 1);
  const out = reshape(picked, x.shape.filter((_, d) => d !== axis));
  picked.dispose();
  return out;
}

// Entries start, start + step, ... (count of them) of x along axis, with arguments already checked.
function stridedSlice(x: Tensor, axis: number, start: number, count: number, step: number): Tensor {
  const shape = x.shape.map((size, d) => (d === axis ? count : size));
  const layout = sliceLayout(x.shape, axis, start, step);
  const out = Tensor.empty(shape);
  copyStrided({ src: x.ptr + layout.offset, dst: out.ptr, shape, srcStrides: layout.strides, dstStrides: contiguousStrides(shape) });
  return record(out, {
    op: 'slice',
    inputs: [x],
    attributes: { axis, start, count, step } satisfies SliceAttributes,
    backward: (g) => {
      const gx = zeros(x.shape);
      copyStrided({ src: g.ptr, dst: gx.ptr + layout.offset, shape, srcStrides: contiguousStrides(shape), dstStrides: layout.strides });
      return [gx];
    },
  });
}

/** Where a slice starts in x (bytes) and x's strides as the slice walks them. */
function sliceLayout(shape: readonly number[], axis: number, start: number, step: number): { offset: number; strides: number[] } {
  const strides = contiguousStrides(shape);
  const offset = 4 * start * strides[axis]!;
  return { offset, strides: strides.map((s, d) => (d === axis ? s * step : s)) };
}

function clampIndex(index: number, size: number): number {
  return Math.min(Math.max(index < 0 ? index + size : index, 0), size);
}
