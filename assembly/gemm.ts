// Single-precision matrix product, row-major: C[m,n] (+)= op(A)[m,k] · op(B)[k,n].
// A is stored [m,k] (or [k,m] when transA), B is [k,n] (or [n,k] when transB).
//
// Goto/BLIS structure: B is packed into kc×NR column panels (kept in L2/L3), A into MR×kc row
// panels (one block of MC rows in L2), and a register-blocked micro-kernel multiplies one A panel
// by one B panel. Every transposition is absorbed by the packing, which reads operands through
// (row stride, column stride) pairs. Panels are zero-padded to full width and edge tiles of C go
// through a full-size scratch tile, so the micro-kernel only ever sees full MR×NR tiles.

// With fused multiply-add no temporary is needed per product, so a sixth row of accumulators
// fits in the 15 xmm registers V8 allocates; with separate mul+add a 6×8 tile spills (measured).
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR: i32 = 8;
// Sized for 32 KiB L1d / 512 KiB L2 (Zen 3), measured: a kc×NR panel of B (16 KiB) stays in L1
// while the A panels stream from the MC×kc block (240 KiB) in L2; packed B (2 MiB) sits in L3.
const KC: i32 = 512;
const MC: i32 = 120;
const NC: i32 = 1024;

const PACKED_A_BYTES: usize = <usize>(MC * KC) << 2;
const PACKED_B_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;
const ROW_BYTES: usize = <usize>NR << 2;

let scratch: usize = 0;

/** Bytes of packing scratch that `gemm` needs; the host reserves them once per instance. */
export function gemmScratchBytes(): i32 {
  return <i32>(PACKED_A_BYTES + PACKED_B_BYTES + TILE_BYTES + ROW_BYTES);
}

/** Tells this instance where its packing scratch lives (64-byte aligned, gemmScratchBytes long). */
export function setGemmScratch(ptr: usize): void {
  scratch = ptr;
  memory.fill(ptr + PACKED_A_BYTES + PACKED_B_BYTES + TILE_BYTES, 0, ROW_BYTES);
}

export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  if (m <= 0 || n <= 0) return;
  // Element (i, p) of op(A) is at a[i*aRow + p*aCol]; element (p, j) of op(B) at b[p*bRow + j*bCol].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  // A single row or column of C is a matrix-vector product: tiles would waste most of their lanes.
  if (n == 1) {
    if (transA) sumScaledRows(k, m, a, b, c, accumulate);
    else dotRows(m, k, a, b, c, accumulate);
    return;
  }
  if (m == 1) {
    if (transB) dotRows(n, k, b, a, c, accumulate);
    else sumScaledRows(k, n, b, a, c, accumulate);
    return;
  }
  if (scratch == 0) abort('gemm: setGemmScratch was not called');
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>m * <usize>n << 2);
    return;
  }
  const packedA = scratch;
  const packedB = scratch + PACKED_A_BYTES;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + (<usize>(pc * bRow + jc * bCol) << 2), bRow, bCol, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, a + (<usize>(ic * aRow + pc * aCol) << 2), aRow, aCol, packedA);
        multiplyBlock(mc, nc, kc, packedA, packedB, c + (<usize>(ic * n + jc) << 2), n, pc == 0 && !accumulate);
      }
    }
  }
}

// Every MR×NR tile of one packed block: B panels outside so each stays in L1 across the A panels.
// Partial tiles at the right and bottom edges go through a full-size tile in scratch. The first
// block of a fresh product starts from a zero row instead of reading C.
function multiplyBlock(mc: i32, nc: i32, kc: i32, packedA: usize, packedB: usize, c: usize, n: i32, fresh: bool): void {
  const ldc = <usize>n << 2;
  const edge = scratch + PACKED_A_BYTES + PACKED_B_BYTES;
  const zeroRow = edge + TILE_BYTES;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bPanel = packedB + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const aPanel = packedA + (<usize>(ir * kc) << 2);
      const cTile = c + <usize>ir * ldc + (<usize>jr << 2);
      if (mr == MR && nr == NR) {
        if (fresh) microKernel(kc, aPanel, bPanel, zeroRow, 0, cTile, ldc);
        else microKernel(kc, aPanel, bPanel, cTile, ldc, cTile, ldc);
      } else {
        if (fresh) microKernel(kc, aPanel, bPanel, zeroRow, 0, edge, ROW_BYTES);
        else {
          copyTile(cTile, ldc, edge, ROW_BYTES, mr, nr);
          microKernel(kc, aPanel, bPanel, edge, ROW_BYTES, edge, ROW_BYTES);
        }
        copyTile(edge, ROW_BYTES, cTile, ldc, mr, nr);
      }
    }
  }
}

@inline function madd(x: v128, y: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

// C tile (MR×8, MR = 5 or 6) = initial tile + A panel (kc×MR, p-major) · B panel (kc×8), where the initial
// tile is read from `init` (rows `ldi` bytes apart: 0 repeats one row of zeros). kc >= 1.
// Shaped for V8's code generator, each point measured:
// - out of line: inlined into the block loop, V8 runs out of registers and spills accumulators;
// - the initial tile is read before the loop and C only stored after it (reading C after the
//   loop made V8 spill);
// - the first step is peeled: V8 then computes the broadcasts' address offsets once, before the
//   loop, instead of one `lea` per broadcast per step (plain SIMD: 38 -> 33 instructions a step).
function microKernel(kc: i32, a: usize, b: usize, init: usize, ldi: usize, c: usize, ldc: usize): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16);
  let c10 = v128.load(init + ldi), c11 = v128.load(init + ldi, 16);
  let c20 = v128.load(init + 2 * ldi), c21 = v128.load(init + 2 * ldi, 16);
  let c30 = v128.load(init + 3 * ldi), c31 = v128.load(init + 3 * ldi, 16);
  let c40 = v128.load(init + 4 * ldi), c41 = v128.load(init + 4 * ldi, 16);
  let c50 = c40, c51 = c41;
  if (MR == 6) {
    c50 = v128.load(init + 5 * ldi);
    c51 = v128.load(init + 5 * ldi, 16);
  }
  const end = b + (<usize>(kc * NR) << 2);
  {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(a, 16);
    c40 = madd(a4, b0, c40);
    c41 = madd(a4, b1, c41);
    if (MR == 6) {
      const a5 = v128.load32_splat(a, 20);
      c50 = madd(a5, b0, c50);
      c51 = madd(a5, b1, c51);
    }
    a += <usize>MR << 2;
    b += <usize>NR << 2;
  }
  while (b < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(a, 16);
    c40 = madd(a4, b0, c40);
    c41 = madd(a4, b1, c41);
    if (MR == 6) {
      const a5 = v128.load32_splat(a, 20);
      c50 = madd(a5, b0, c50);
      c51 = madd(a5, b1, c51);
    }
    a += <usize>MR << 2;
    b += <usize>NR << 2;
  }
  storeRow(c, c00, c01);
  storeRow(c + ldc, c10, c11);
  storeRow(c + 2 * ldc, c20, c21);
  storeRow(c + 3 * ldc, c30, c31);
  storeRow(c + 4 * ldc, c40, c41);
  if (MR == 6) storeRow(c + 5 * ldc, c50, c51);
}

@inline function storeRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, lo);
  v128.store(c, hi, 16);
}

// Copies the mr×nr corner of a tile. Plain loops: for a few floats per row they beat
// memory.copy, which V8 runs as a call.
function copyTile(src: usize, srcStride: usize, dst: usize, dstStride: usize, mr: i32, nr: i32): void {
  for (let i = 0; i < mr; i++) {
    const s = src + <usize>i * srcStride;
    const d = dst + <usize>i * dstStride;
    for (let j = 0; j < nr; j++) store<u32>(d + (<usize>j << 2), load<u32>(s + (<usize>j << 2)));
  }
}

// kc×nc of op(B) into NR-wide panels: for each p, the NR values op(B)[p, j0 .. j0+NR).
function packB(kc: i32, nc: i32, b: usize, rowStride: i32, colStride: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    packPanel(kc, min(NR, nc - j0), NR, b + (<usize>(j0 * colStride) << 2), rowStride, colStride, dst);
    dst += <usize>(kc * NR) << 2;
  }
}

// mc×kc of op(A) into MR-tall panels: for each p, the MR values op(A)[i0 .. i0+MR, p].
function packA(mc: i32, kc: i32, a: usize, rowStride: i32, colStride: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    packPanel(kc, min(MR, mc - i0), MR, a + (<usize>(i0 * rowStride) << 2), colStride, rowStride, dst);
    dst += <usize>(kc * MR) << 2;
  }
}

// dst[p*lanes + q] = src[p*pStride + q*qStride] for p < kc, q < width; zeros for width <= q < lanes
// (those lanes only reach discarded outputs, zeros keep denormals out). One of the strides is 1.
function packPanel(kc: i32, width: i32, lanes: i32, src: usize, pStride: i32, qStride: i32, dst: usize): void {
  if (width < lanes) packEdgePanel(kc, width, lanes, src, pStride, qStride, dst);
  else if (qStride == 1) packAlongPanel(kc, lanes, src, pStride, dst);
  else packAcrossPanel(kc, lanes, src, qStride, dst);
}

// The `lanes` values of each step are adjacent in the source: straight copies.
function packAlongPanel(kc: i32, lanes: i32, src: usize, pStride: i32, dst: usize): void {
  const step = <usize>pStride << 2;
  for (let p = 0; p < kc; p++) {
    let q = 0;
    for (; q + 4 <= lanes; q += 4) v128.store(dst + (<usize>q << 2), v128.load(src + (<usize>q << 2)));
    for (; q < lanes; q++) store<u32>(dst + (<usize>q << 2), load<u32>(src + (<usize>q << 2)));
    src += step;
    dst += <usize>lanes << 2;
  }
}

// Each of the `lanes` source rows runs along p: transposed four rows by four steps at a time.
function packAcrossPanel(kc: i32, lanes: i32, src: usize, qStride: i32, dst: usize): void {
  const row = <usize>qStride << 2;
  const out = <usize>lanes << 2;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    let q = 0;
    for (; q + 4 <= lanes; q += 4) {
      const s = src + <usize>q * row;
      const r0 = v128.load(s);
      const r1 = v128.load(s + row);
      const r2 = v128.load(s + 2 * row);
      const r3 = v128.load(s + 3 * row);
      const lo01 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const hi01 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const lo23 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const hi23 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const d = dst + (<usize>q << 2);
      v128.store(d, i32x4.shuffle(lo01, lo23, 0, 1, 4, 5));
      v128.store(d + out, i32x4.shuffle(lo01, lo23, 2, 3, 6, 7));
      v128.store(d + 2 * out, i32x4.shuffle(hi01, hi23, 0, 1, 4, 5));
      v128.store(d + 3 * out, i32x4.shuffle(hi01, hi23, 2, 3, 6, 7));
    }
    for (; q < lanes; q++) {
      const s = src + <usize>q * row;
      const d = dst + (<usize>q << 2);
      store<u32>(d, load<u32>(s));
      store<u32>(d + out, load<u32>(s, 4));
      store<u32>(d + 2 * out, load<u32>(s, 8));
      store<u32>(d + 3 * out, load<u32>(s, 12));
    }
    src += 16;
    dst += 4 * out;
  }
  for (; p < kc; p++) {
    for (let q = 0; q < lanes; q++) store<u32>(dst + (<usize>q << 2), load<u32>(src + <usize>q * row));
    src += 4;
    dst += out;
  }
}

function packEdgePanel(kc: i32, width: i32, lanes: i32, src: usize, pStride: i32, qStride: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>(kc * lanes) << 2);
  for (let q = 0; q < width; q++) {
    let s = src + (<usize>(q * qStride) << 2);
    let d = dst + (<usize>q << 2);
    for (let p = 0; p < kc; p++) {
      store<u32>(d, load<u32>(s));
      s += <usize>pStride << 2;
      d += <usize>lanes << 2;
    }
  }
}

// out[r] (+)= sum over p < len of mat[r*len + p] * vec[p].
function dotRows(rows: i32, len: i32, mat: usize, vec: usize, out: usize, accumulate: i32): void {
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
function sumScaledRows(rows: i32, len: i32, mat: usize, vec: usize, out: usize, accumulate: i32): void {
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
