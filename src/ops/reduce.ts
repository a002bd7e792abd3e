import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { normalizeAxis } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { broadcastBinary, broadcastTo } from './broadcast-kernel.js';
import { reshape } from './shape.js';
import { checkBoolean, checkTensor, describe } from '../check-args.js';

export type Dims = number | readonly number[] | null | undefined;

/** The reduced dimensions (non-negative, sorted) of sum, mean and max. */
export interface ReduceAttributes {
  axes: number[];
  keepdim: boolean;
}

/** Sum over `dim` (all dimensions when omitted), as torch.sum. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('sum', 'input', x);
  checkBoolean('sum', 'keepdim', keepdim);
  const axes = resolveAxes(dim, x.ndim, 'sum');
  return recordReduction('sum', x, axes, keepdim, 1);
}

/** Mean over `dim` (all dimensions when omitted), as torch.mean. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('mean', 'input', x);
  checkBoolean('mean', 'keepdim', keepdim);
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
      if (scale !== 1) kernels().affine(expanded.ptr, expanded.ptr, expanded.size, scale, 0);
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
    kernels().sumAxisForward(current.ptr, next.ptr, outer, n, inner);
    if (current !== x) current.dispose();
    current = next;
  }
  if (current === x) current = copyOf(x);
  if (scale !== 1) kernels().affine(current.ptr, current.ptr, current.size, scale, 0);
  return current;
}

function copyOf(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  kernels().copy(x.ptr, out.ptr, x.size);
  return out;
}

export function resolveAxes(dim: Dims, ndim: number, op: string): number[] {
  if (dim === null || dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new Error(`simdgrad: ${op}: dim must be an integer, an array of integers, or omitted (all dimensions), got ${describe(dim)}.`);
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
 * Largest value over `dim` (all dimensions when omitted), as torch.amax. The gradient is split
 * evenly among the elements of each reduced group that equal its maximum, as torch.amax and
 * torch.max(x) do; where the maximum is NaN, among the group's NaNs, as torch.max(x) does.
 */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor('max', 'input', x);
  checkBoolean('max', 'keepdim', keepdim);
  const axes = resolveAxes(dim, x.ndim, 'max');
  if (axes.some((a) => x.shape[a] === 0)) {
    throw new Error(`simdgrad: max: cannot take the maximum over an empty dimension of shape [${x.shape.join(', ')}]; reduce over non-empty dimensions only.`);
  }
  const maxima = maxKeepdim(x, axes);
  const out = keepdim ? maxima : squeezeAxes(maxima, axes);
  record(out, {
    op: 'max',
    inputs: [x],
    attributes: { axes, keepdim } satisfies ReduceAttributes,
    saved: [x, maxima],
    backward: (g, [input, savedMaxima]) => {
      const ties = broadcastBinary('sameValueForward', input!, savedMaxima!, input!.shape);
      const upstream = reshape(g, savedMaxima!.shape);
      const share = broadcastBinary('divForward', upstream, sumKeepdim(ties, axes, 1), upstream.shape);
      return [broadcastBinary('mulForward', ties, share, ties.shape)];
    },
  });
  if (!keepdim) maxima.dispose();
  return out;
}

// Maximum over each run of consecutive axes with one kernel call, viewing x as [outer, n, inner].
function maxKeepdim(x: Tensor, axes: readonly number[]): Tensor {
  let current = x;
  for (const [first, last] of consecutiveRuns(axes).reverse()) {
    const shape = current.shape;
    const next = Tensor.empty(shape.map((d, i) => (i >= first && i <= last ? 1 : d)));
    kernels().maxAxisForward(current.ptr, next.ptr, product(shape.slice(0, first)), product(shape.slice(first, last + 1)), product(shape.slice(last + 1)));
    if (current !== x) current.dispose();
    current = next;
  }
  return current === x ? copyOf(x) : current;
}
