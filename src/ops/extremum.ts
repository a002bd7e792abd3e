import { kernels } from '../backend/backend.js';
import { record, traceResult } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { formatShape, normalizeAxis, shapeSize } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { div, mul } from './arithmetic.js';
import { checkInteger, checkOptions, checkTensor } from '../check-args.js';
import { runBroadcast } from './compare.js';
import { keptShape, resolveAxes, sum, type Dims, type ReduceAttributes } from './reduce.js';
import { reshape } from './shape.js';

// Positions (argmax, argmin, topk indices) are float32 tensors holding whole numbers, the
// library's only dtype. NaN counts as the most extreme value, as in torch.

/** The axis argmax and argmin search along (null: the flattened tensor), for exporters. */
export interface ArgExtremumAttributes {
  axis: number | null;
  keepdim: boolean;
}

/** What topk selects, and its indices output, for exporters. */
export interface TopkAttributes {
  k: number;
  axis: number;
  largest: boolean;
  indices: Tensor;
}

/**
 * Smallest value over `dim` (all dimensions when omitted), as torch.amin. Tied minima share the
 * gradient equally, as in torch.amin. (max lives in reduce.ts.)
 */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('min', 'x', x);
  const axes = resolveAxes(dim, x.ndim, 'min');
  checkNonEmpty(x, axes, 'min');
  const kept = reduceExtremum(x, axes, false);
  const out = keepdim ? kept : Tensor.view(kept, x.shape.filter((_, d) => !axes.includes(d)));
  record(out, {
    op: 'min',
    inputs: [x],
    attributes: { axes, keepdim } satisfies ReduceAttributes,
    saved: [x, kept],
    backward: (g, [input, smallest]) => {
      const isMin = runBroadcast('eqForward', input!, smallest!, input!.shape);
      const ties = sum(isMin, axes, true);
      return [mul(isMin, div(reshape(g, keptShape(input!.shape, axes)), ties))];
    },
  });
  if (!keepdim) kept.dispose();
  return out;
}

/** Position of the largest value along dim (of the flattened tensor when omitted), as torch.argmax. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmax', x, dim, keepdim, true);
}

/** Position of the smallest value along dim (of the flattened tensor when omitted), as torch.argmin. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmin', x, dim, keepdim, false);
}

export interface TopkOptions {
  /** Default -1, the last dimension. */
  dim?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Whether results come sorted (default true); they always are (most extreme first), and false is accepted for PyTorch parity. */
  sorted?: boolean;
}

/**
 * The k largest (or smallest) values along dim and their positions, most extreme first, as
 * torch.topk; equal values come in order of position. Gradients flow to the chosen entries.
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): { values: Tensor; indices: Tensor } {
  checkTensor('topk', 'x', x);
  options = checkOptions<TopkOptions>('topk', options) as TopkOptions;
  const axis = normalizeAxis(options.dim ?? -1, x.ndim, 'topk');
  const n = x.shape[axis] ?? 1;
  checkInteger('topk', 'k', k, 0);
  if (k > n) throw new Error(`simdgrad: topk: k ${k} is larger than dim ${options.dim ?? -1} of shape ${formatShape(x.shape)} (size ${n}); k must be in [0, ${n}].`);
  const shape = x.ndim === 0 ? [] : x.shape.map((size, d) => (d === axis ? k : size));
  const values = Tensor.empty(shape);
  const indices = Tensor.empty(shape);
  const outer = shapeSize(x.shape.slice(0, axis));
  const inner = shapeSize(x.shape.slice(axis + 1));
  if (k > 0) kernels().topkAxis(x.ptr, values.ptr, indices.ptr, outer, n, inner, k, options.largest === false ? 0 : 1);
  record(values, {
    op: 'topk',
    inputs: [x],
    attributes: { k, axis, largest: options.largest !== false, indices } satisfies TopkAttributes,
    saved: [indices],
    backward: (g, [positions]) => {
      const gx = zeros(x.shape);
      kernels().scatterAddForward(g.ptr, positions!.ptr, gx.ptr, outer, n, k, inner);
      return [gx];
    },
  });
  return { values, indices };
}

function argExtremum(op: string, x: Tensor, dim: number | undefined, keepdim: boolean, wantMax: boolean): Tensor {
  checkTensor(op, 'x', x);
  if (dim === undefined) {
    checkNonEmpty(x, x.shape.map((_, d) => d), op);
    const position = Tensor.empty(keepdim ? x.shape.map(() => 1) : []);
    const scratch = Tensor.empty([]);
    kernels().extremumAxis(x.ptr, scratch.ptr, position.ptr, 1, x.size, 1, wantMax ? 1 : 0);
    scratch.dispose();
    return traceResult(position, { op, inputs: [x], attributes: { axis: null, keepdim } satisfies ArgExtremumAttributes });
  }
  const axis = normalizeAxis(dim, x.ndim, op);
  checkNonEmpty(x, [axis], op);
  const shape = x.shape.filter((_, d) => keepdim || d !== axis).map((size, d) => (keepdim && d === axis ? 1 : size));
  const position = Tensor.empty(shape);
  const scratch = Tensor.empty(shape);
  const [outer, n, inner] = [shapeSize(x.shape.slice(0, axis)), x.shape[axis] ?? 1, shapeSize(x.shape.slice(axis + 1))];
  kernels().extremumAxis(x.ptr, scratch.ptr, position.ptr, outer, n, inner, wantMax ? 1 : 0);
  scratch.dispose();
  return traceResult(position, { op, inputs: [x], attributes: { axis, keepdim } satisfies ArgExtremumAttributes });
}

/** The max or min over `axes` with those axes kept as size 1; not recorded. */
export function reduceExtremum(x: Tensor, axes: readonly number[], wantMax: boolean): Tensor {
  let current = x;
  for (const axis of [...axes].reverse()) {
    const shape = current.shape.map((size, d) => (d === axis ? 1 : size));
    const next = Tensor.empty(shape);
    const positions = Tensor.empty(shape);
    const [outer, n, inner] = [shapeSize(current.shape.slice(0, axis)), current.shape[axis]!, shapeSize(current.shape.slice(axis + 1))];
    kernels().extremumAxis(current.ptr, next.ptr, positions.ptr, outer, n, inner, wantMax ? 1 : 0);
    positions.dispose();
    if (current !== x) current.dispose();
    current = next;
  }
  if (current === x) {
    current = Tensor.empty(x.shape);
    kernels().copy(x.ptr, current.ptr, x.size);
  }
  return current;
}

export function checkNonEmpty(x: Tensor, axes: readonly number[], op: string): void {
  if (axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`simdgrad: ${op}: cannot reduce over an empty dimension of shape ${formatShape(x.shape)}; reduce over non-empty dimensions only.`);
  }
}
