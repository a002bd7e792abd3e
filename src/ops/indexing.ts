import { kernels } from '../backend/backend.js';
import { record, traceResult } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { formatShape, normalizeAxis, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { checkIndices, checkInteger, checkTensor } from '../check-args.js';
import { narrow } from './slice.js';
import { contiguousStrides, copyStrided } from './strided-copy.js';

// Index tensors are float32 tensors holding whole numbers (the library's only dtype); they are
// checked to be whole and in range before anything is allocated.

/** The axis gather, scatterAdd and indexSelect index along, and their index tensor, for exporters. */
export interface IndexAttributes {
  axis: number;
  index: Tensor;
}

/** The class count of oneHot's output, for exporters. */
export interface OneHotAttributes {
  numClasses: number;
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (likewise for any dim), as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', 'x', x);
  checkTensor('gather', 'index', index);
  const axis = normalizeAxis(dim, x.ndim, 'gather');
  checkSameRank(index, 'index', x, 'gather');
  x.shape.forEach((size, d) => {
    if (d !== axis && index.shape[d]! > size) {
      throw new Error(`simdgrad: gather: index has shape ${formatShape(index.shape)}, larger than x ${formatShape(x.shape)} in dim ${d}; index may exceed x only along dim ${dim}.`);
    }
  });
  checkIndices('gather', index, x.shape[axis]!, `dim ${dim} of x ${formatShape(x.shape)}`);
  const source = narrowTo(x, index.shape, axis);
  const out = gatherChecked(source, axis, index);
  if (source !== x) source.dispose();
  return out;
}

/**
 * x with src added at the positions index gives along dim: out[i][index[i][j][k]][k] +=
 * src[i][j][k] for dim 1, as torch.scatter_add. Only the first index.shape entries of src are
 * used, and index may be smaller than x outside dim.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor('scatterAdd', 'x', x);
  checkTensor('scatterAdd', 'index', index);
  checkTensor('scatterAdd', 'src', src);
  const axis = normalizeAxis(dim, x.ndim, 'scatterAdd');
  checkSameRank(index, 'index', x, 'scatterAdd');
  checkSameRank(src, 'src', x, 'scatterAdd');
  index.shape.forEach((size, d) => {
    if ((d !== axis && size > x.shape[d]!) || size > src.shape[d]!) {
      throw new Error(`simdgrad: scatterAdd: index ${formatShape(index.shape)} must fit in x ${formatShape(x.shape)} except along dim ${dim}, and in src ${formatShape(src.shape)}; dim ${d} does not.`);
    }
  });
  checkIndices('scatterAdd', index, x.shape[axis]!, `dim ${dim} of x ${formatShape(x.shape)}`);
  const values = narrowTo(src, index.shape, -1);
  const out = Tensor.empty(x.shape);
  kernels().copy(x.ptr, out.ptr, x.size);
  addAtIndices(out, axis, index, values);
  record(out, {
    op: 'scatterAdd',
    inputs: [x, values],
    attributes: { axis, index } satisfies IndexAttributes,
    saved: [index],
    backward: (g, [savedIndex]) => [g, gatherChecked(narrowTo(g, savedIndex!.shape, axis), axis, savedIndex!)],
  });
  if (values !== src) values.dispose();
  return out;
}

// out[..., index[...], ...] += values[...] along axis, in place. Where index covers only part
// of out outside axis, that part goes through a contiguous copy the kernel can address.
function addAtIndices(out: Tensor, axis: number, index: Tensor, values: Tensor): void {
  const region = out.shape.map((size, d) => (d === axis ? size : index.shape[d]!));
  const whole = region.every((size, d) => size === out.shape[d]);
  const part = whole ? out : Tensor.empty(region);
  const outStrides = contiguousStrides(out.shape);
  if (!whole) copyStrided({ src: out.ptr, dst: part.ptr, shape: region, srcStrides: outStrides, dstStrides: contiguousStrides(region) });
  const [outer, m, inner] = view3(index.shape, axis);
  kernels().scatterAddForward(values.ptr, index.ptr, part.ptr, outer, out.shape[axis] ?? 1, m, inner);
  if (whole) return;
  copyStrided({ src: part.ptr, dst: out.ptr, shape: region, srcStrides: contiguousStrides(region), dstStrides: outStrides });
  part.dispose();
}

/** The entries of x at positions index (1-D) along dim, as torch.index_select. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', 'x', x);
  checkTensor('indexSelect', 'index', index);
  const axis = normalizeAxis(dim, x.ndim, 'indexSelect');
  if (index.ndim > 1) throw new Error(`simdgrad: indexSelect: index must be 1-D (or a scalar), got shape ${formatShape(index.shape)}; flatten it first.`);
  checkIndices('indexSelect', index, x.shape[axis]!, `dim ${dim} of x ${formatShape(x.shape)}`);
  const out = Tensor.empty(x.shape.map((size, d) => (d === axis ? index.size : size)));
  const [outer, n, inner] = view3(x.shape, axis);
  kernels().indexSelectForward(x.ptr, index.ptr, out.ptr, outer, n, index.size, inner);
  return record(out, {
    op: 'indexSelect',
    inputs: [x],
    attributes: { axis, index } satisfies IndexAttributes,
    saved: [index],
    backward: (g, [savedIndex]) => {
      const gx = zeros(x.shape);
      kernels().indexAddForward(g.ptr, savedIndex!.ptr, gx.ptr, outer, n, savedIndex!.size, inner);
      return [gx];
    },
  });
}

/**
 * Rows of zeros with a 1 at each class index, shaped [...index.shape, numClasses], as
 * F.one_hot (float32 here). numClasses -1 means one more than the largest index.
 */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', 'index', index);
  checkInteger('oneHot', 'numClasses', numClasses, -1);
  const classes = numClasses === -1 ? inferClassCount(index) : numClasses;
  checkIndices('oneHot', index, classes, `${classes} classes`);
  const out = Tensor.empty([...index.shape, classes]);
  kernels().oneHotForward(index.ptr, out.ptr, index.size, classes);
  return traceResult(out, { op: 'oneHot', inputs: [index], attributes: { numClasses: classes } satisfies OneHotAttributes });
}

function inferClassCount(index: Tensor): number {
  if (index.size === 0) throw new Error('simdgrad: oneHot: cannot infer numClasses from an empty index; pass numClasses.');
  checkIndices('oneHot', index, 2 ** 24, 'class indices');
  const largest = Tensor.empty([]);
  const position = Tensor.empty([]);
  kernels().extremumAxis(index.ptr, largest.ptr, position.ptr, 1, index.size, 1, 1);
  const classes = largest.item() + 1;
  largest.dispose();
  position.dispose();
  return classes;
}

// Gather with arguments checked and index fitting x in every dimension but axis.
function gatherChecked(x: Tensor, axis: number, index: Tensor): Tensor {
  const out = Tensor.empty(index.shape);
  const [outer, m, inner] = view3(index.shape, axis);
  kernels().gatherForward(x.ptr, index.ptr, out.ptr, outer, x.shape[axis] ?? 1, m, inner);
  return record(out, {
    op: 'gather',
    inputs: [x],
    attributes: { axis, index } satisfies IndexAttributes,
    saved: [index],
    backward: (g, [savedIndex]) => {
      const gx = zeros(x.shape);
      kernels().scatterAddForward(g.ptr, savedIndex!.ptr, gx.ptr, outer, x.shape[axis] ?? 1, m, inner);
      return [gx];
    },
  });
}

// x cut down to `shape` in every dimension except `keep` (-1: none), through differentiable narrows.
function narrowTo(x: Tensor, shape: readonly number[], keep: number): Tensor {
  let current = x;
  x.shape.forEach((size, d) => {
    if (d === keep || shape[d] === size) return;
    const next = narrow(current, d, 0, shape[d]!);
    if (current !== x) current.dispose();
    current = next;
  });
  return current;
}

function view3(shape: readonly number[], axis: number): [number, number, number] {
  return [shapeSize(shape.slice(0, axis)), shape[axis] ?? 1, shapeSize(shape.slice(axis + 1))];
}

function checkSameRank(t: Tensor, name: string, x: Tensor, op: string): void {
  if (t.ndim !== x.ndim) {
    throw new Error(`simdgrad: ${op}: ${name} has shape ${formatShape(t.shape)} but x has ${formatShape(x.shape)}; they need the same number of dimensions.`);
  }
}
