// Multi-head self-attention read straight from a packed q/k/v projection and written straight
// into the heads-merged layout: for each batch element and head, softmax(Q Kᵀ·scale) V where
// Q, K and V are column blocks of the projection [.., L, 3·E] and the result is one column block
// of [.., L, E]. The products go through the blocked GEMM engine with strided packing, so no
// per-head copy of Q, K, V or of the result is ever made.
//
// With the causal cut, only what the lower triangle needs is multiplied, to the tile: the
// scores and their gradient up to the diagonal, and the products by a triangular matrix (P V,
// dS K, Pᵀ dO, dSᵀ Q) over the steps where it is not zero.

import { FROM_C, FROM_ZERO, KC, MC, MR, NC, NR, multiplyBlock, packA, packB, packedABuffer, packedBBuffer } from './gemm-blocking';
import { MASK_NONE, softmaxRow, softmaxRowBackward } from './attention-rows';

// Which part of a product is needed.
const FULL: i32 = 0;
// C is cut to its lower triangle: row i needs columns j <= i only.
const LOWER_C: i32 = 1;
// A (m×k, m = k) is lower triangular: row i of C sums over p <= i only.
const LOWER_A: i32 = 2;
// A (m×k, m = k) is upper triangular, the transpose of a lower one: row i sums over p >= i only.
const UPPER_A: i32 = 3;

/**
 * out = softmax(Q Kᵀ·scale) V per batch element and head, probs = the softmax (kept for the
 * backward), [batch, heads, L, L]. Head h of batch element b reads Q at packed + b·batchStride +
 * h·headDim, K and V one and two blocks of heads·headDim further, rows rowStride floats apart;
 * it writes out + b·outBatchStride + h·headDim, rows outRowStride apart. With causal, query i
 * sees keys j <= i only and the probabilities past i are 0.
 */
export function packedAttentionForward(
  packed: usize, out: usize, probs: usize, batch: i32, length: i32, heads: i32, headDim: i32,
  rowStride: i32, batchStride: i32, outRowStride: i32, outBatchStride: i32, scale: f32, causal: i32,
): void {
  const width = <usize>(heads * headDim) << 2;
  const square = <usize>(length * length) << 2;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const q = packed + ((<usize>b * batchStride + <usize>h * headDim) << 2);
      const k = q + width;
      const v = k + width;
      const p = probs + <usize>(b * heads + h) * square;
      const o = out + ((<usize>b * outBatchStride + <usize>h * headDim) << 2);
      product(causal ? LOWER_C : FULL, length, length, headDim, q, rowStride, 1, k, 1, rowStride, p, length);
      for (let i = 0; i < length; i++) softmaxRow(p + ((<usize>i * length) << 2), 0, MASK_NONE, causal ? i + 1 : length, length, scale);
      product(causal ? LOWER_A : FULL, length, headDim, length, p, length, 1, v, rowStride, 1, o, outRowStride);
    }
  }
}

/**
 * The gradient of packedAttentionForward's projection, written whole into gradPacked (laid out
 * as packed): dV = Pᵀ dO, dS = scale·P ⊙ (dO Vᵀ - rowsum(P ⊙ dO Vᵀ)), dQ = dS K, dK = dSᵀ Q.
 * `scratch` holds one head's dS, L×L floats.
 */
export function packedAttentionBackward(
  packed: usize, probs: usize, gradOut: usize, gradPacked: usize, scratch: usize, batch: i32, length: i32, heads: i32, headDim: i32,
  rowStride: i32, batchStride: i32, outRowStride: i32, outBatchStride: i32, scale: f32, causal: i32,
): void {
  const width = <usize>(heads * headDim) << 2;
  const square = <usize>(length * length) << 2;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const head = (<usize>b * batchStride + <usize>h * headDim) << 2;
      const q = packed + head;
      const k = q + width;
      const v = k + width;
      const gq = gradPacked + head;
      const gk = gq + width;
      const gv = gk + width;
      const p = probs + <usize>(b * heads + h) * square;
      const g = gradOut + ((<usize>b * outBatchStride + <usize>h * headDim) << 2);
      product(causal ? UPPER_A : FULL, length, headDim, length, p, 1, length, g, outRowStride, 1, gv, rowStride);
      product(causal ? LOWER_C : FULL, length, length, headDim, g, outRowStride, 1, v, 1, rowStride, scratch, length);
      for (let i = 0; i < length; i++) {
        const row = (<usize>i * length) << 2;
        softmaxRowBackward(p + row, scratch + row, causal ? i + 1 : length, length, scale);
      }
      product(causal ? LOWER_A : FULL, length, headDim, length, scratch, length, 1, k, rowStride, 1, gq, rowStride);
      product(causal ? UPPER_A : FULL, length, headDim, length, scratch, 1, length, q, rowStride, 1, gk, rowStride);
    }
  }
}

// C = op(A)·op(B) (m×k by k×n), the part `shape` says, each operand read through strides in
// floats (see stridedProduct). For the triangular shapes both operands are packed whole, once,
// and each MR×NR tile runs the micro-kernel over just the steps its rows need: a panel's steps
// are consecutive in the packing, so a tile can start at a later step or stop at an earlier one.
// Operands too large for the packing buffers take the full product: P and dS hold zeros past
// the diagonal, so that is the same result with more work.
function product(
  shape: i32, m: i32, n: i32, k: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldc: i32,
): void {
  const packedAFloats = <i64>((m + MR - 1) / MR * MR) * k;
  const packedBFloats = <i64>((n + NR - 1) / NR * NR) * k;
  const fits = packedAFloats <= <i64>(MC * KC) && packedBFloats <= <i64>(KC * NC);
  if (shape == FULL || !fits) {
    stridedProduct(m, n, k, a, aRow, aCol, b, bRow, bCol, c, ldc);
    return;
  }
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  packA(m, k, a, aRow, aCol, packedA);
  packB(k, n, b, bRow, bCol, packedB);
  const ldcBytes = <usize>ldc << 2;
  for (let ir = 0; ir < m; ir += MR) {
    const mr = min(MR, m - ir);
    const aPanel = packedA + (<usize>(ir * k) << 2);
    const cRows = c + <usize>ir * ldcBytes;
    if (shape == LOWER_C) {
      multiplyBlock(mr, min(n, ir + mr), k, aPanel, packedB, cRows, ldcBytes, FROM_ZERO, false);
      continue;
    }
    // LOWER_A: these rows sum over steps 0 .. ir + mr; UPPER_A: over steps ir .. k.
    const first = shape == LOWER_A ? 0 : ir;
    const steps = shape == LOWER_A ? min(k, ir + mr) : k - ir;
    for (let jr = 0; jr < n; jr += NR) {
      const bPanel = packedB + (<usize>(jr * k + first * NR) << 2);
      multiplyBlock(mr, min(NR, n - jr), steps, aPanel + (<usize>(first * MR) << 2), bPanel, cRows + (<usize>jr << 2), ldcBytes, FROM_ZERO, false);
    }
  }
}

// C[m×n] = op(A)·op(B) with every operand read through strides in floats: element (i, p) of
// op(A) at a[i·aRow + p·aCol], (p, j) of op(B) at b[p·bRow + j·bCol], (i, j) of C at c[i·ldc + j].
// The packing absorbs the strides, as it absorbs gemm's transpositions. k >= 1.
function stridedProduct(
  m: i32, n: i32, k: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldc: i32,
): void {
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  const ldcBytes = <usize>ldc << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + ((<usize>pc * bRow + <usize>jc * bCol) << 2), bRow, bCol, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, a + ((<usize>ic * aRow + <usize>pc * aCol) << 2), aRow, aCol, packedA);
        multiplyBlock(mc, nc, kc, packedA, packedB, c + <usize>ic * ldcBytes + (<usize>jc << 2), ldcBytes, pc == 0 ? FROM_ZERO : FROM_C, false);
      }
    }
  }
}
