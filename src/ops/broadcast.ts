import { formatShape } from '../shape-util.js';

/** NumPy broadcasting of two shapes, or an Error naming the op and both shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`simdgrad: ${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i} of the result: ${da} vs ${db}); each dimension must match or be 1.`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** One kernel call's worth of a broadcast: [outer, inner] blocks with per-operand strides. */
export interface BroadcastBlock {
  aOffset: number;
  bOffset: number;
  outOffset: number;
  outer: number;
  inner: number;
  aOuter: number;
  aInner: number;
  bOuter: number;
  bInner: number;
}

/**
 * Splits out = a (op) b into two-level blocks the kernels handle, after merging dimensions that
 * broadcast alike, so the common cases (same shape, scalar, bias row) are a single call.
 */
export function broadcastBlocks(out: readonly number[], a: readonly number[], b: readonly number[]): BroadcastBlock[] {
  const dims = collapse(out, stridesAgainst(a, out), stridesAgainst(b, out));
  while (dims.length < 2) dims.unshift({ size: 1, a: 0, b: 0 });
  const inner = dims[dims.length - 1]!;
  const outer = dims[dims.length - 2]!;
  const lead = dims.slice(0, -2);
  const blocks: BroadcastBlock[] = [];
  const leadCount = lead.reduce((n, d) => n * d.size, 1);
  for (let index = 0; index < leadCount; index++) {
    let rest = index;
    let aOffset = 0;
    let bOffset = 0;
    for (let d = lead.length - 1; d >= 0; d--) {
      const dim = lead[d]!;
      const i = rest % dim.size;
      rest = Math.floor(rest / dim.size);
      aOffset += i * dim.a;
      bOffset += i * dim.b;
    }
    blocks.push({
      aOffset, bOffset, outOffset: index * outer.size * inner.size,
      outer: outer.size, inner: inner.size, aOuter: outer.a, aInner: inner.a, bOuter: outer.b, bInner: inner.b,
    });
  }
  return blocks;
}

interface Dim {
  size: number;
  a: number;
  b: number;
}

function stridesAgainst(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = out.length - 1; i >= 0; i--) {
    const d = shape[shape.length - out.length + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

function collapse(out: readonly number[], aStrides: number[], bStrides: number[]): Dim[] {
  const dims: Dim[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 1) continue;
    const dim = { size: out[i]!, a: aStrides[i]!, b: bStrides[i]! };
    const last = dims[dims.length - 1];
    if (last && last.a === dim.a * dim.size && last.b === dim.b * dim.size) {
      last.size *= dim.size;
      last.a = dim.a;
      last.b = dim.b;
    } else {
      dims.push(dim);
    }
  }
  return dims;
}
