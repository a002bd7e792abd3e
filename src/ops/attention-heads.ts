// The layout changes multi-head attention makes around scaledDotProductAttention: one
// projection's features, [B, L, heads·Dh] (or [L, B, ...] when the batch comes second), become
// [B, heads, L, Dh] problems, and the heads' results are put back side by side. Each is one
// strided copy; the backward is the same copy the other way.
import { record } from '../autograd/node.js';
import { zeros } from '../creation.js';
import { Tensor } from '../tensor.js';
import { contiguousStrides, copyStrided } from './strided-copy.js';

/** What an exporter needs to rebuild the layout change. */
export interface HeadsAttributes {
  heads: number;
  /** For splitHeads: which of `parts` equal feature blocks of the input is taken. */
  part: number;
  parts: number;
  batchFirst: boolean;
}

/**
 * @internal Block `part` of `parts` equal blocks of x's features ([B, L, parts·E] with
 * batchFirst, else [L, B, parts·E]) as [B, heads, L, E/heads]: a packed q/k/v projection
 * read without slicing it first.
 */
export function splitHeads(x: Tensor, heads: number, part: number, parts: number, batchFirst: boolean): Tensor {
  const [d0, d1, width] = x.shape as [number, number, number];
  const [batch, length] = batchFirst ? [d0, d1] : [d1, d0];
  const headDim = width / parts / heads;
  const shape = [batch, heads, length, headDim];
  const [stride0, stride1] = contiguousStrides(x.shape) as [number, number];
  const strides = [batchFirst ? stride0 : stride1, headDim, batchFirst ? stride1 : stride0, 1];
  const offset = 4 * part * heads * headDim;
  const out = Tensor.empty(shape);
  copyStrided({ src: x.ptr + offset, dst: out.ptr, shape, srcStrides: strides, dstStrides: contiguousStrides(shape) });
  return record(out, {
    op: 'splitHeads',
    inputs: [x],
    attributes: { heads, part, parts, batchFirst } satisfies HeadsAttributes,
    backward: (g) => {
      const gx = zeros(x.shape);
      copyStrided({ src: g.ptr, dst: gx.ptr + offset, shape, srcStrides: contiguousStrides(shape), dstStrides: strides });
      return [gx];
    },
  });
}

/** @internal [B, heads, L, Dh] back to [B, L, heads·Dh] with batchFirst, else [L, B, heads·Dh]. */
export function mergeHeads(x: Tensor, batchFirst: boolean): Tensor {
  const [batch, heads, length, headDim] = x.shape as [number, number, number, number];
  const shape = batchFirst ? [batch, length, heads * headDim] : [length, batch, heads * headDim];
  const [stride0, stride1] = contiguousStrides(shape) as [number, number];
  const walk = [batch, heads, length, headDim];
  const strides = [batchFirst ? stride0 : stride1, headDim, batchFirst ? stride1 : stride0, 1];
  const out = Tensor.empty(shape);
  copyStrided({ src: x.ptr, dst: out.ptr, shape: walk, srcStrides: contiguousStrides(walk), dstStrides: strides });
  return record(out, {
    op: 'mergeHeads',
    inputs: [x],
    attributes: { heads, part: 0, parts: 1, batchFirst } satisfies HeadsAttributes,
    backward: (g) => {
      const gx = Tensor.empty(walk);
      copyStrided({ src: g.ptr, dst: gx.ptr, shape: walk, srcStrides: strides, dstStrides: contiguousStrides(walk) });
      return [gx];
    },
  });
}
