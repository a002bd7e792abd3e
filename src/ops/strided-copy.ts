import { kernels } from '../backend/backend.js';
import { Tensor } from '../tensor.js';

const KERNEL_DIMS = 6;

/** Row-major strides (in elements) of a contiguous tensor of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Strides that read a tensor of shape `from` as if it had `shape`: 0 along broadcast (size-1 or missing) dimensions. */
export function broadcastStrides(from: readonly number[], shape: readonly number[]): number[] {
  const strides = contiguousStrides(from);
  const lead = shape.length - from.length;
  return shape.map((_, i) => (i < lead || from[i - lead] === 1 ? 0 : strides[i - lead]!));
}

/** x itself when it already has `shape`, else a new (unrecorded) copy broadcast to it. */
export function broadcastCopy(x: Tensor, shape: readonly number[]): Tensor {
  if (x.ndim === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const out = Tensor.empty(shape);
  copyStrided({ src: x.ptr, dst: out.ptr, shape, srcStrides: broadcastStrides(x.shape, shape), dstStrides: contiguousStrides(shape) });
  return out;
}

export interface StridedCopy {
  /** Byte addresses in linear memory. */
  src: number;
  dst: number;
  /** The index space walked, and each side's strides (in elements) along it. */
  shape: readonly number[];
  srcStrides: readonly number[];
  dstStrides: readonly number[];
}

/**
 * dst[index . dstStrides] = src[index . srcStrides] for every index below shape, through the one
 * stridedCopy kernel. Dimensions are merged where both sides allow it, so most copies become a
 * few long contiguous runs; more than six after merging cost one kernel call per leading index.
 */
export function copyStrided(copy: StridedCopy): void {
  const dims = placeForTiling(mergeDims(copy));
  if (dims.some((d) => d.size === 0)) return;
  while (dims.length < KERNEL_DIMS) dims.unshift({ size: 1, src: 0, dst: 0 });
  const lead = dims.slice(0, dims.length - KERNEL_DIMS);
  const [d0, d1, d2, d3, d4, d5] = dims.slice(dims.length - KERNEL_DIMS) as [Dim, Dim, Dim, Dim, Dim, Dim];
  const run = kernels().stridedCopy;
  const count = lead.reduce((n, d) => n * d.size, 1);
  for (let flat = 0; flat < count; flat++) {
    let rest = flat;
    let src = copy.src;
    let dst = copy.dst;
    for (let d = lead.length - 1; d >= 0; d--) {
      const i = rest % lead[d]!.size;
      rest = Math.floor(rest / lead[d]!.size);
      src += 4 * i * lead[d]!.src;
      dst += 4 * i * lead[d]!.dst;
    }
    run(src, dst, d0.size, d1.size, d2.size, d3.size, d4.size, d5.size, d0.src, d1.src, d2.src, d3.src, d4.src, d5.src, d0.dst, d1.dst, d2.dst, d3.dst, d4.dst, d5.dst);
  }
}

interface Dim {
  size: number;
  src: number;
  dst: number;
}

// A copy may walk its dimensions in any order. When the destination's contiguous run is strided
// in the source (a transpose), the source's contiguous dimension goes second to last, where the
// kernel moves both in 4x4 SIMD tiles.
function placeForTiling(dims: Dim[]): Dim[] {
  const last = dims[dims.length - 1];
  if (!last || last.dst !== 1 || last.src === 1) return dims;
  const contiguous = dims.findIndex((d) => d.src === 1);
  if (contiguous < 0 || contiguous === dims.length - 2) return dims;
  const [moved] = dims.splice(contiguous, 1);
  dims.splice(dims.length - 1, 0, moved!);
  return dims;
}

function mergeDims(copy: StridedCopy): Dim[] {
  const dims: Dim[] = [];
  copy.shape.forEach((size, d) => {
    if (size === 1) return;
    const dim = { size, src: copy.srcStrides[d]!, dst: copy.dstStrides[d]! };
    const last = dims[dims.length - 1];
    if (last && last.src === dim.src * size && last.dst === dim.dst * size) {
      last.size *= size;
      last.src = dim.src;
      last.dst = dim.dst;
    } else {
      dims.push(dim);
    }
  });
  return dims;
}
