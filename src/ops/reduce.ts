import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { normalizeAxis } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { broadcastTo } from './arithmetic.js';
import { reshape } from './shape.js';

export type Dims = number | readonly number[] | null | undefined;

/** The reduced dimensions (non-negative, sorted) of sum, mean and max. */
export interface ReduceAttributes {
  axes: number[];
  keepdim: boolean;
}

/** Sum over `dim` (all dimensions when omitted), as torch.sum. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = resolveAxes(dim, x.ndim, 'sum');
  return recordReduction('sum', x, axes, keepdim, 1);
}

/** Mean over `dim` (all dimensions when omitted), as torch.mean. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = resolveAxes(dim, x.ndim, 'mean');
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return recordReduction('mean', x, axes, keepdim, 1 / count);
}

/** Sums a broadcast gradient back to the shape of the operand it flows to. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const reduced = sumKeepdim(g, axes, 1);
  const out = reshape(reduced, shape);
  reduced.dispose();
  return out;
}

function recordReduction(op: string, x: Tensor, axes: number[], keepdim: boolean, scale: number): Tensor {
  const kept = sumKeepdim(x, axes, scale);
  const out = keepdim ? kept : squeezeAxes(kept, axes);
  if (!keepdim) kept.dispose();
  return record(out, {
    op,
    inputs: [x],
    attributes: { axes, keepdim } satisfies ReduceAttributes,
    backward: (g) => {
      const expanded = broadcastTo(reshape(g, keptShape(x.shape, axes)), x.shape);
      if (scale !== 1) kernels().affine!(expanded.ptr, expanded.ptr, expanded.size, scale, 0);
      return [expanded];
    },
  });
}

// Sums over each run of consecutive axes with one kernel call, viewing x as [outer, n, inner].
function sumKeepdim(x: Tensor, axes: readonly number[], scale: number): Tensor {
  let current = x;
  for (const [first, last] of consecutiveRuns(axes).reverse()) {
    const shape = current.shape;
    const outer = product(shape.slice(0, first));
    const n = product(shape.slice(first, last + 1));
    const inner = product(shape.slice(last + 1));
    const next = Tensor.empty(shape.map((d, i) => (i >= first && i <= last ? 1 : d)));
    kernels().sumAxisForward!(current.ptr, next.ptr, outer, n, inner);
    if (current !== x) current.dispose();
    current = next;
  }
  if (current === x) current = copyOf(x);
  if (scale !== 1) kernels().affine!(current.ptr, current.ptr, current.size, scale, 0);
  return current;
}

function copyOf(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  kernels().copy!(x.ptr, out.ptr, x.size);
  return out;
}

export function resolveAxes(dim: Dims, ndim: number, op: string): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const axes = [...new Set(list.map((a) => normalizeAxis(a, ndim, op)))];
  return axes.sort((a, b) => a - b);
}

export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function squeezeAxes(x: Tensor, axes: readonly number[]): Tensor {
  return Tensor.view(x, x.shape.filter((_, i) => !axes.includes(i)));
}

function consecutiveRuns(axes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  return runs;
}

function product(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/**
 * Largest value over `dim` (all dimensions when omitted), as torch.amax. The gradient flows
 * to the first maximal element of each reduced group, as torch.max(x, dim) routes it.
 */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  x.assertAlive('max');
  const axes = resolveAxes(dim, x.ndim, 'max');
  if (axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`simdgrad: max: cannot take the maximum over an empty dimension of shape [${x.shape.join(', ')}]; reduce over non-empty dimensions only.`);
  }
  const runs: Run[] = [];
  const argmaxes: Tensor[] = [];
  let current = x;
  for (const [first, last] of consecutiveRuns(axes).reverse()) {
    const { result, argmax, run } = maxOverRun(current, first, last);
    runs.push(run);
    argmaxes.push(argmax);
    if (current !== x) current.dispose();
    current = result;
  }
  if (current === x) current = copyOf(x);
  const out = keepdim ? current : squeezeAxes(current, axes);
  if (!keepdim) current.dispose();
  record(out, {
    op: 'max',
    inputs: [x],
    attributes: { axes, keepdim } satisfies ReduceAttributes,
    saved: argmaxes,
    backward: (g, savedArgmaxes) => {
      let grad = reshape(g, keptShape(x.shape, axes));
      for (let i = runs.length - 1; i >= 0; i--) {
        const { inputShape, outer, n, inner } = runs[i]!;
        const gradIn = Tensor.empty(inputShape);
        kernels().maxAxisBackward!(grad.ptr, savedArgmaxes[i]!.ptr, gradIn.ptr, outer, n, inner);
        grad = gradIn;
      }
      return [grad];
    },
  });
  for (const argmax of argmaxes) argmax.dispose();
  return out;
}

/** One reduction over consecutive axes, with x viewed as [outer, n, inner]. */
interface Run {
  inputShape: readonly number[];
  outer: number;
  n: number;
  inner: number;
}

// Max over the consecutive axes first..last. The argmax tensor's memory holds int32 indices
// along the run: kept as a tensor, so the tape owns and frees it like any saved value.
function maxOverRun(x: Tensor, first: number, last: number): { result: Tensor; argmax: Tensor; run: Run } {
  const shape = x.shape;
  const run = { inputShape: shape, outer: product(shape.slice(0, first)), n: product(shape.slice(first, last + 1)), inner: product(shape.slice(last + 1)) };
  const result = Tensor.empty(shape.map((d, i) => (i >= first && i <= last ? 1 : d)));
  const argmax = Tensor.empty(result.shape);
  kernels().maxAxisForward!(x.ptr, result.ptr, argmax.ptr, run.outer, run.n, run.inner);
  return { result, argmax, run };
}
