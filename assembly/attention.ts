// Scaled dot-product attention, softmax(Q Kᵀ·scale + M) V, over a batch of independent
// [L, E] x [S, E] x [S, Ev] problems laid out one after another.
//
// The forward is two GEMMs per problem with one row pass between them: the pass scales the
// scores, applies the mask (added, or a 0/1 keep mask) and the causal cut, and turns each row
// into probabilities in place. Only the probabilities are kept for the backward, which needs
// them for the weighted sum's gradients and for the softmax's.

import { gemm } from './gemm';
import { MASK_NONE, softmaxRow } from './attention-rows';
import { horizontalSum, loadPartial, storePartial } from './vector-math';

/**
 * probs[b] = softmax(q[b] k[b]ᵀ·scale + mask) row by row, for b < batch. mask[b] starts at
 * mask + b·maskStride floats (a stride of 0 shares one [L, S] mask). With causal, query i sees
 * keys j <= i only; the probabilities past that are 0. A row with no visible key is NaN, as the
 * softmax of nothing is.
 */
export function attentionProbsForward(
  q: usize, k: usize, probs: usize, mask: usize, maskStride: i32, maskKind: i32,
  batch: i32, l: i32, s: i32, e: i32, scale: f32, causal: i32,
): void {
  for (let b = 0; b < batch; b++) {
    const p = probs + ((<usize>b * l * s) << 2);
    gemm(0, 1, l, s, e, q + ((<usize>b * l * e) << 2), k + ((<usize>b * s * e) << 2), p, 0);
    const m: usize = maskKind == MASK_NONE ? 0 : mask + ((<usize>b * maskStride) << 2);
    for (let i = 0; i < l; i++) {
      const visible = causal ? min(i + 1, s) : s;
      softmaxRow(p + ((<usize>i * s) << 2), m ? m + ((<usize>i * s) << 2) : <usize>0, maskKind, visible, s, scale);
    }
  }
}

/**
 * gradScores = factor · P ⊙ (gradProbs - rowsum(gradProbs ⊙ P)) for `rows` rows of s
 * probabilities: the softmax's backward with the score scale folded in. It may write over
 * gradProbs.
 */
export function attentionSoftmaxBackward(probs: usize, gradProbs: usize, gradScores: usize, rows: i32, s: i32, factor: f32): void {
  const factorLanes = f32x4.splat(factor);
  for (let i = 0; i < rows; i++) {
    const base = (<usize>i * s) << 2;
    let dot = f32x4.splat(0);
    for (let j = 0; j < s; j += 4) {
      const count = min(4, s - j);
      const at = base + (<usize>j << 2);
      dot = f32x4.add(dot, f32x4.mul(loadPartial(probs + at, count, 0), loadPartial(gradProbs + at, count, 0)));
    }
    const rowDot = f32x4.splat(horizontalSum(dot));
    for (let j = 0; j < s; j += 4) {
      const count = min(4, s - j);
      const at = base + (<usize>j << 2);
      const g = f32x4.sub(loadPartial(gradProbs + at, count, 0), rowDot);
      storePartial(gradScores + at, f32x4.mul(f32x4.mul(loadPartial(probs + at, count, 0), g), factorLanes), count);
    }
  }
}

/**
 * c[b] (+)= op(a[b]) · op(b[b]) for b < count, each operand `stride` floats after the last:
 * the batched products of attention's forward and backward in one call.
 */
export function gemmBatched(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, aStride: i32, b: usize, bStride: i32, c: usize, cStride: i32, count: i32, accumulate: i32,
): void {
  for (let i = 0; i < count; i++) {
    gemm(transA, transB, m, n, k, a + ((<usize>i * aStride) << 2), b + ((<usize>i * bStride) << 2), c + ((<usize>i * cStride) << 2), accumulate);
  }
}
