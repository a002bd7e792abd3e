// Self-attention over every head of a packed q/k/v projection in one op: what splitHeads (three
// times), scaledDotProductAttention and mergeHeads compute, without their copies. The kernels
// (assembly/attention-packed.ts) read each head's Q, K and V where the projection put them and
// write each head's result into its block of the merged output; with the causal cut they
// multiply only what the lower triangle needs.
import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor.js';

/** What an exporter needs to rebuild the op from splitHeads, scaledDotProductAttention and mergeHeads. */
export interface PackedAttentionAttributes {
  heads: number;
  batchFirst: boolean;
  isCausal: boolean;
  scale: number;
}

/**
 * @internal softmax(Q Kᵀ/√Dh) V for each of `heads` heads of x = [B, L, 3·E] with batchFirst
 * (else [L, B, 3·E]), whose three feature blocks are the projected query, key and value; head
 * h uses features h·Dh .. (h+1)·Dh of each block. Returns the heads' results side by side,
 * [B, L, E] (or [L, B, E]), as mergeHeads does. The caller has checked the shape.
 */
export function packedSelfAttention(x: Tensor, heads: number, options: { batchFirst: boolean; isCausal: boolean }): Tensor {
  const [d0, d1, packedWidth] = x.shape as [number, number, number];
  const { batchFirst, isCausal } = options;
  const [batch, length] = batchFirst ? [d0, d1] : [d1, d0];
  const width = packedWidth / 3;
  const headDim = width / heads;
  const scale = 1 / Math.sqrt(headDim);
  // Strides in floats between sequence positions and between batch elements, in x and in the output.
  const [rowStride, batchStride] = batchFirst ? [packedWidth, length * packedWidth] : [batch * packedWidth, packedWidth];
  const [outRowStride, outBatchStride] = batchFirst ? [width, length * width] : [batch * width, width];
  const dims = [batch, length, heads, headDim, rowStride, batchStride, outRowStride, outBatchStride, scale, isCausal ? 1 : 0] as const;
  const out = Tensor.empty([d0, d1, width]);
  const probs = Tensor.empty([batch, heads, length, length]);
  kernels().packedAttentionForward(x.ptr, out.ptr, probs.ptr, ...dims);
  record(out, {
    op: 'packedSelfAttention',
    inputs: [x],
    attributes: { heads, batchFirst, isCausal, scale } satisfies PackedAttentionAttributes,
    saved: [x, probs],
    backward: (g, [packed, p]) => {
      const gx = Tensor.empty(x.shape);
      const scratch = Tensor.empty([length, length]);
      kernels().packedAttentionBackward(packed!.ptr, p!.ptr, g.ptr, gx.ptr, scratch.ptr, ...dims);
      scratch.dispose();
      return [gx];
    },
  });
  probs.dispose();
  return out;
}
