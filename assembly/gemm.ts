// Single-precision matrix product, row-major: C[m,n] (+)= op(A)[m,k] · op(B)[k,n], optionally
// followed by a bias and ReLU. A is stored [m,k] (or [k,m] when transA), B is [k,n] (or [n,k]
// when transB). The blocked engine is in gemm-blocking.ts; this file drives it and handles the
// shapes it would waste lanes on.

import {
  FROM_C, FROM_COLUMN_BIAS, FROM_ROW_BIAS, FROM_ZERO, KC, MC, NC, NR, SCRATCH_BYTES,
  madd, multiplyBlock, packA, packB, packedABuffer, packedBBuffer, prepareColumnBias, prepareRowBias, useScratch,
} from './gemm-blocking';
import { CONV_TABLE_BYTES, useConvTables } from './conv-image';
import { resetSharedB, sharedBBlock, sharedBBytes } from './gemm-shared-b';

/** Bytes of scratch that `gemm` (packing) and the convolutions (their tables) need; the host reserves them once per instance. */
export function gemmScratchBytes(): i32 {
  return <i32>(SCRATCH_BYTES + CONV_TABLE_BYTES);
}

/** Tells this instance where its scratch lives (64-byte aligned, gemmScratchBytes long). */
export function setGemmScratch(ptr: usize): void {
  useScratch(ptr);
  useConvTables(ptr + SCRATCH_BYTES);
}

export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  multiply(transA, transB, m, n, k, a, b, c, accumulate != 0, 0, false, false);
}

/**
 * C = op(A)·op(B) (never accumulating), plus bias unless `bias` is 0 — bias[i] added to row i if
 * biasPerRow (a convolution's output channels), else bias[j] to column j (a linear layer) — then
 * max(0, ·) if relu (NaN stays NaN). Bias and ReLU are applied to each tile while it is in
 * registers: the bias is the tile's starting value, the ReLU comes before its store.
 */
export function gemmBiasRelu(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
  bias: usize, biasPerRow: i32, relu: i32,
): void {
  multiply(transA, transB, m, n, k, a, b, c, false, bias, biasPerRow != 0, relu != 0);
}

/**
 * Bytes that gemmPackB needs for op(B) of k×n, or 0 when n is wider than one packed block (NC
 * columns): then use gemm. A product that reuses one B many times (a recurrent layer's weights,
 * once per time step) packs it once and skips packing at every call.
 */
export function gemmPackedBBytes(k: i32, n: i32): i32 {
  if (n > NC || n <= 0 || k <= 0) return 0;
  return k * ((n + NR - 1) / NR * NR) << 2;
}

/** Packs op(B) (k×n; stored [n,k] when transB) into `dst`, gemmPackedBBytes(k, n) long. */
export function gemmPackB(transB: i32, k: i32, n: i32, b: usize, dst: usize): void {
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const panels = (n + NR - 1) / NR * NR;
  for (let pc = 0; pc < k; pc += KC) {
    packB(min(KC, k - pc), n, b + (<usize>(pc * bRow) << 2), bRow, bCol, dst + (<usize>(pc * panels) << 2));
  }
}

/** C (+)= op(A)·B for a B packed by gemmPackB (k×n, n at most one block wide). */
export function gemmPackedB(transA: i32, m: i32, n: i32, k: i32, a: usize, packedB: usize, c: usize, accumulate: i32): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const panels = (n + NR - 1) / NR * NR;
  const packedA = packedABuffer();
  const ldc = <usize>n << 2;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const start = pc == 0 && accumulate == 0 ? FROM_ZERO : FROM_C;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(mc, kc, a + (<usize>(ic * aRow + pc * aCol) << 2), aRow, aCol, packedA);
      multiplyBlock(mc, n, kc, packedA, packedB + (<usize>(pc * panels) << 2), c + <usize>ic * ldc, ldc, start, false);
    }
  }
}

// Either accumulate or a bias, never both.
function multiply(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
  accumulate: bool, bias: usize, biasPerRow: bool, relu: bool,
): void {
  if (m <= 0 || n <= 0) return;
  // A single row or column of C is a matrix-vector product: tiles would waste most of their lanes.
  if (n == 1) {
    if (transA) sumScaledRows(k, m, a, b, c, accumulate);
    else dotRows(m, k, a, b, c, accumulate);
    finishRun(c, m, bias, biasPerRow, relu);
    return;
  }
  if (m == 1) {
    if (transB) dotRows(n, k, b, a, c, accumulate);
    else sumScaledRows(k, n, b, a, c, accumulate);
    finishRun(c, n, bias, !biasPerRow, relu);
    return;
  }
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * <usize>n << 2);
    for (let i = 0; i < m; i++) finishRun(c + (<usize>i * <usize>n << 2), n, biasPerRow ? bias + (<usize>i << 2) : bias, !biasPerRow, relu);
    return;
  }
  blocked(transA, transB, m, n, k, a, b, c, accumulate, bias, biasPerRow, relu, 0, m, 0, n, 0);
}

/**
 * One part of what gemm (accumulate, no bias) or gemmBiasRelu computes: the rows [begin, end) of
 * C, or its columns [begin, end) if splitColumns. For C with more than one row and column and
 * k > 0 (the host keeps matrix-vector products whole): threads each compute their own parts.
 * Every element of C goes through the same steps as in the whole product, so C comes out bit
 * for bit the same however it is split. Row parts may share one packing of op(B) (`sharedB`, an
 * area of gemmSharedBBytes(k, n) made ready by gemmSharedBReset for this product) instead of
 * each packing all of it again; 0 packs it in the part's own scratch.
 */
export function gemmPart(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32,
  bias: usize, biasPerRow: i32, relu: i32, splitColumns: i32, sharedB: usize, begin: i32, end: i32,
): void {
  if (splitColumns) blocked(transA, transB, m, n, k, a, b, c, accumulate != 0, bias, biasPerRow != 0, relu != 0, 0, m, begin, end, 0);
  else blocked(transA, transB, m, n, k, a, b, c, accumulate != 0, bias, biasPerRow != 0, relu != 0, begin, end, 0, n, sharedB);
}

/** Bytes of the area in which the row parts (gemmPart) of a k-deep product with n columns share their packing of op(B). */
export function gemmSharedBBytes(k: i32, n: i32): i32 {
  return sharedBBytes(k, n);
}

/** Makes that area ready for one product, before its parts run. */
export function gemmSharedBReset(sharedB: usize, k: i32, n: i32): void {
  resetSharedB(sharedB, k, n);
}

// Rows [rowBegin, rowEnd) and columns [colBegin, colEnd) of C by the packed engine, with op(B)
// packed in this instance's scratch block by block, or shared with other parts (sharedB).
function blocked(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
  accumulate: bool, bias: usize, biasPerRow: bool, relu: bool,
  rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32, sharedB: usize,
): void {
  // Element (i, p) of op(A) is at a[i*aRow + p*aCol]; element (p, j) of op(B) at b[p*bRow + j*bCol].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const fresh = accumulate ? FROM_C : bias == 0 ? FROM_ZERO : biasPerRow ? FROM_ROW_BIAS : FROM_COLUMN_BIAS;
  const packedA = packedABuffer();
  const ownPackedB = packedBBuffer();
  const ldc = <usize>n << 2;
  for (let jc = colBegin; jc < colEnd; jc += NC) {
    const nc = min(NC, colEnd - jc);
    if (fresh == FROM_COLUMN_BIAS) prepareColumnBias(bias + (<usize>jc << 2), nc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const last = pc + kc == k;
      let packedB = ownPackedB;
      if (sharedB) packedB = sharedBBlock(sharedB, k, n, jc, pc, kc, nc, b, bRow, bCol);
      else packB(kc, nc, b + (<usize>(pc * bRow + jc * bCol) << 2), bRow, bCol, packedB);
      for (let ic = rowBegin; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        packA(mc, kc, a + (<usize>(ic * aRow + pc * aCol) << 2), aRow, aCol, packedA);
        if (pc == 0 && fresh == FROM_ROW_BIAS) prepareRowBias(bias + (<usize>ic << 2), mc);
        multiplyBlock(mc, nc, kc, packedA, packedB, c + <usize>ic * ldc + (<usize>jc << 2), ldc, pc == 0 ? fresh : FROM_C, relu && last);
      }
    }
  }
}

// out[r] = out[r] + bias[varying ? r : 0] (no bias if bias is 0), then max(0, ·) if relu, for r < len.
// The comparison keeps NaN, as the tiles' pmax does.
function finishRun(out: usize, len: i32, bias: usize, varying: bool, relu: bool): void {
  if (bias == 0 && !relu) return;
  for (let r = 0; r < len; r++) {
    const o = out + (<usize>r << 2);
    let value = load<f32>(o);
    if (bias) value += load<f32>(varying ? bias + (<usize>r << 2) : bias);
    if (relu && value < 0) value = 0;
    store<f32>(o, value);
  }
}

// out[r] (+)= sum over p < len of mat[r*len + p] * vec[p].
function dotRows(rows: i32, len: i32, mat: usize, vec: usize, out: usize, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const row = mat + (<usize>r * <usize>len << 2);
    let even = f32x4.splat(0);
    let odd = f32x4.splat(0);
    let p = 0;
    for (; p + 8 <= len; p += 8) {
      const off = <usize>p << 2;
      even = madd(v128.load(row + off), v128.load(vec + off), even);
      odd = madd(v128.load(row + off, 16), v128.load(vec + off, 16), odd);
    }
    const sum = f32x4.add(even, odd);
    let total = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
    for (; p < len; p++) total += load<f32>(row + (<usize>p << 2)) * load<f32>(vec + (<usize>p << 2));
    const o = out + (<usize>r << 2);
    store<f32>(o, accumulate ? load<f32>(o) + total : total);
  }
}

// out[j] (+)= sum over r < rows of vec[r] * mat[r*len + j], for j < len.
function sumScaledRows(rows: i32, len: i32, mat: usize, vec: usize, out: usize, accumulate: bool): void {
  if (!accumulate) memory.fill(out, 0, <usize>len << 2);
  for (let r = 0; r < rows; r++) {
    const row = mat + (<usize>r * <usize>len << 2);
    const scale = v128.load32_splat(vec + (<usize>r << 2));
    let j = 0;
    for (; j + 4 <= len; j += 4) {
      const off = <usize>j << 2;
      v128.store(out + off, madd(scale, v128.load(row + off), v128.load(out + off)));
    }
    for (; j < len; j++) {
      const off = <usize>j << 2;
      store<f32>(out + off, load<f32>(out + off) + f32x4.extract_lane(scale, 0) * load<f32>(row + off));
    }
  }
}

/**
 * Measures this build's f32x4 peak: runs `iterations` rounds of 96 floating-point operations on
 * twelve independent chains and returns a value depending on all of them, so nothing is optimised
 * away. With relaxed SIMD each chain is a fused multiply-add; without, six chains multiply and
 * six add, so both the multiply and the add pipes stay busy (a chain of mul then add would be
 * bound by their summed latency instead). The two f32x4 at `operands` are the factor and the
 * addend: pass 1s and 0s, which keep every value at 1.
 */
export function peakProbe(iterations: i32, operands: usize): f32 {
  const x = v128.load(operands);
  const y = v128.load(operands, 16);
  let r0 = x, r1 = x, r2 = x, r3 = x, r4 = x, r5 = x;
  let r6 = x, r7 = x, r8 = x, r9 = x, r10 = x, r11 = x;
  // A fused multiply-add counts twice: without it, twice the rounds do the same work.
  const rounds = ASC_FEATURE_RELAXED_SIMD ? iterations : iterations * 2;
  for (let i = 0; i < rounds; i++) {
    if (ASC_FEATURE_RELAXED_SIMD) {
      r0 = f32x4.relaxed_madd(r0, x, y);
      r1 = f32x4.relaxed_madd(r1, x, y);
      r2 = f32x4.relaxed_madd(r2, x, y);
      r3 = f32x4.relaxed_madd(r3, x, y);
      r4 = f32x4.relaxed_madd(r4, x, y);
      r5 = f32x4.relaxed_madd(r5, x, y);
      r6 = f32x4.relaxed_madd(r6, x, y);
      r7 = f32x4.relaxed_madd(r7, x, y);
      r8 = f32x4.relaxed_madd(r8, x, y);
      r9 = f32x4.relaxed_madd(r9, x, y);
      r10 = f32x4.relaxed_madd(r10, x, y);
      r11 = f32x4.relaxed_madd(r11, x, y);
    } else {
      r0 = f32x4.mul(r0, x);
      r1 = f32x4.add(r1, y);
      r2 = f32x4.mul(r2, x);
      r3 = f32x4.add(r3, y);
      r4 = f32x4.mul(r4, x);
      r5 = f32x4.add(r5, y);
      r6 = f32x4.mul(r6, x);
      r7 = f32x4.add(r7, y);
      r8 = f32x4.mul(r8, x);
      r9 = f32x4.add(r9, y);
      r10 = f32x4.mul(r10, x);
      r11 = f32x4.add(r11, y);
    }
  }
  const low = f32x4.add(f32x4.add(f32x4.add(r0, r1), f32x4.add(r2, r3)), f32x4.add(r4, r5));
  const high = f32x4.add(f32x4.add(f32x4.add(r6, r7), f32x4.add(r8, r9)), f32x4.add(r10, r11));
  return f32x4.extract_lane(f32x4.add(low, high), 0);
}
