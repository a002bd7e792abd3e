// The blocked engine behind `gemm` (Goto/BLIS): packing of both operands into panels, the
// register-blocked micro-kernel, and the loop over the tiles of one packed block with its epilogue.
// Callers that build their packed B panels some other way (convolution, straight from the image)
// drive these pieces themselves; a convolution computed transposed (positions × channels) uses
// multiplyTileTransposed, which reads A in place through a step table and stores each tile
// transposed, or microKernelStepped itself (as the weight gradient that reads A in place does).
// assembly/index.ts does not export this module to the host: its functions take internal layouts.
//
// B is packed into kc×NR column panels (kept in L2/L3), A into MR×kc row panels (one block of MC
// rows in L2), and the micro-kernel multiplies one A panel by one B panel. Every transposition is
// absorbed by the packing, which reads operands through (row stride, column stride) pairs. Panels
// are zero-padded to full width and edge tiles of C go through a full-size scratch tile, so the
// micro-kernel only ever sees full MR×NR tiles.

// With fused multiply-add no temporary is needed per product, so a sixth row of accumulators
// fits in the 15 xmm registers V8 allocates; with separate mul+add a 6×8 tile spills (measured).
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
export const NR: i32 = 8;
// Sized for 32 KiB L1d / 512 KiB L2 (Zen 3), measured: a kc×NR panel of B (16 KiB) stays in L1
// while the A panels stream from the MC×kc block (240 KiB) in L2; packed B (2 MiB) sits in L3.
export const KC: i32 = 512;
export const MC: i32 = 120;
export const NC: i32 = 1024;

/** How the tiles of a block start: from C itself (accumulating), or fresh from zero or a bias. */
export const FROM_C: i32 = 0;
export const FROM_ZERO: i32 = 1;
export const FROM_ROW_BIAS: i32 = 2;
export const FROM_COLUMN_BIAS: i32 = 3;

const PACKED_A_BYTES: usize = <usize>(MC * KC) << 2;
const PACKED_B_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;
/** Bytes of one row of a tile (NR floats). */
export const ROW_BYTES: usize = <usize>NR << 2;
// A fresh tile starts from a copy of its bias: one row of NC per-column values, or MC rows each
// repeating one per-row value NR times.
const COLUMN_BIAS_BYTES: usize = <usize>NC << 2;
const ROW_BIAS_BYTES: usize = <usize>(MC * NR) << 2;

const PACKED_B_OFFSET: usize = PACKED_A_BYTES;
const EDGE_OFFSET: usize = PACKED_B_OFFSET + PACKED_B_BYTES;
const ZERO_ROW_OFFSET: usize = EDGE_OFFSET + TILE_BYTES;
const COLUMN_BIAS_OFFSET: usize = ZERO_ROW_OFFSET + ROW_BYTES;
const ROW_BIAS_OFFSET: usize = COLUMN_BIAS_OFFSET + COLUMN_BIAS_BYTES;
export const SCRATCH_BYTES: usize = ROW_BIAS_OFFSET + ROW_BIAS_BYTES;

let scratch: usize = 0;

export function useScratch(ptr: usize): void {
  scratch = ptr;
  memory.fill(ptr + ZERO_ROW_OFFSET, 0, ROW_BYTES);
}

/** Where A blocks are packed (MC×KC floats). */
export function packedABuffer(): usize {
  if (scratch == 0) abort('gemm: setGemmScratch was not called');
  return scratch;
}

/** Where B blocks are packed (KC×NC floats). */
export function packedBBuffer(): usize {
  if (scratch == 0) abort('gemm: setGemmScratch was not called');
  return scratch + PACKED_B_OFFSET;
}

/** Makes bias[0 .. nc) the start of FROM_COLUMN_BIAS tiles, zero-padded to whole panels. */
export function prepareColumnBias(bias: usize, nc: i32): void {
  const dst = scratch + COLUMN_BIAS_OFFSET;
  memory.copy(dst, bias, <usize>nc << 2);
  const padded = (nc + NR - 1) / NR * NR;
  memory.fill(dst + (<usize>nc << 2), 0, <usize>(padded - nc) << 2);
}

/** Makes bias[0 .. mc) the start of FROM_ROW_BIAS tiles: row r holds bias[r] NR times; zero rows pad to whole panels. */
export function prepareRowBias(bias: usize, mc: i32): void {
  const dst = scratch + ROW_BIAS_OFFSET;
  for (let r = 0; r < mc; r++) {
    const value = v128.load32_splat(bias + (<usize>r << 2));
    const row = dst + <usize>r * ROW_BYTES;
    v128.store(row, value);
    v128.store(row, value, 16);
  }
  const padded = (mc + MR - 1) / MR * MR;
  memory.fill(dst + <usize>mc * ROW_BYTES, 0, <usize>(padded - mc) * ROW_BYTES);
}

// Every MR×NR tile of one packed block into C (rows ldc bytes apart), each tile started as
// `start` says and, if `relu`, clamped at 0 right after its micro-kernel, while it is in L1: a
// block that finishes the product needs no further pass over C.
// B panels outside so each stays in L1 across the A panels. Partial tiles at the right and bottom
// edges go through a full-size tile in scratch.
export function multiplyBlock(mc: i32, nc: i32, kc: i32, packedA: usize, packedB: usize, c: usize, ldc: usize, start: i32, relu: bool): void {
  const edge = scratch + EDGE_OFFSET;
  let init = scratch + ZERO_ROW_OFFSET;
  let initRowBytes: usize = 0;
  let initColumnBytes: usize = 0;
  if (start == FROM_ROW_BIAS) {
    init = scratch + ROW_BIAS_OFFSET;
    initRowBytes = ROW_BYTES;
  } else if (start == FROM_COLUMN_BIAS) {
    init = scratch + COLUMN_BIAS_OFFSET;
    initColumnBytes = 4;
  }
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bPanel = packedB + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const aPanel = packedA + (<usize>(ir * kc) << 2);
      const cTile = c + <usize>ir * ldc + (<usize>jr << 2);
      const full = mr == MR && nr == NR;
      const out = full ? cTile : edge;
      const outStride = full ? ldc : ROW_BYTES;
      if (start == FROM_C) {
        if (!full) copyTile(cTile, ldc, edge, ROW_BYTES, mr, nr);
        microKernel(kc, aPanel, bPanel, out, outStride, out, outStride);
      } else {
        const tileInit = init + <usize>ir * initRowBytes + <usize>jr * initColumnBytes;
        microKernel(kc, aPanel, bPanel, tileInit, initRowBytes, out, outStride);
      }
      if (relu) reluTile(out, outStride);
      if (!full) copyTile(edge, ROW_BYTES, cTile, ldc, mr, nr);
    }
  }
}

/** Where a fresh tile starts (FROM_ZERO or FROM_COLUMN_BIAS) whose first column is `column`: a row for microKernel's init with ldi 0. */
export function freshTileStart(start: i32, column: i32): usize {
  return start == FROM_COLUMN_BIAS ? scratch + COLUMN_BIAS_OFFSET + (<usize>column << 2) : scratch + ZERO_ROW_OFFSET;
}

// One tile of a product whose C is wanted transposed: tile (i, j) lands at c[j*ldc + i] (ldc in
// bytes). A convolution computed as positions × channels uses it to write NCHW output, whose
// channels are ldc apart. Step p of the tile reads its MR values of op(A) at a + steps[p] (bytes),
// so they can come straight from an image as well as from a packed panel; the NR values of op(B)
// from the packed panel b. The tile starts at `init` (a row repeated: zero or a column bias),
// never from C, which would have to be read back transposed; it goes through the scratch tile,
// in L1, on its way to the transposed store.
export function multiplyTileTransposed(kc: i32, a: usize, steps: usize, b: usize, init: usize, c: usize, ldc: usize, mr: i32, nr: i32, relu: bool): void {
  const edge = scratch + EDGE_OFFSET;
  microKernelStepped(kc, a, steps, b, init, 0, edge, ROW_BYTES);
  if (mr == MR && nr == NR) {
    storeTileTransposed(edge, c, ldc, relu);
    return;
  }
  if (relu) reluTile(edge, ROW_BYTES);
  storeCornerTransposed(edge, c, ldc, mr, nr);
}

// microKernel with op(A)'s step p (MR consecutive floats) at a + steps[p] bytes instead of a + p*MR
// floats: MR positions of an image at tap p's offset (multiplyTileTransposed), or MR taps of one
// kernel row at position p's offset (the convolution weight gradient, conv-backward-weight.ts).
// Shaped as microKernel (first step peeled, no epilogue).
export function microKernelStepped(kc: i32, a: usize, steps: usize, b: usize, init: usize, ldi: usize, c: usize, ldc: usize): void {
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
    const row = a + <usize>load<i32>(steps);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(row);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(row, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(row, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(row, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(row, 16);
    c40 = madd(a4, b0, c40);
    c41 = madd(a4, b1, c41);
    if (MR == 6) {
      const a5 = v128.load32_splat(row, 20);
      c50 = madd(a5, b0, c50);
      c51 = madd(a5, b1, c51);
    }
    steps += 4;
    b += <usize>NR << 2;
  }
  while (b < end) {
    const row = a + <usize>load<i32>(steps);
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(row);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(row, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(row, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(row, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(row, 16);
    c40 = madd(a4, b0, c40);
    c41 = madd(a4, b1, c41);
    if (MR == 6) {
      const a5 = v128.load32_splat(row, 20);
      c50 = madd(a5, b0, c50);
      c51 = madd(a5, b1, c51);
    }
    steps += 4;
    b += <usize>NR << 2;
  }
  storeRow(c, c00, c01);
  storeRow(c + ldc, c10, c11);
  storeRow(c + 2 * ldc, c20, c21);
  storeRow(c + 3 * ldc, c30, c31);
  storeRow(c + 4 * ldc, c40, c41);
  if (MR == 6) storeRow(c + 5 * ldc, c50, c51);
}

// The scratch tile (MR×NR, rows ROW_BYTES apart) into c transposed, clamped at 0 on the way if
// `relu`: column j of the tile becomes MR consecutive floats at c + j*ldc. Rows 0..3 go through
// 4×4 transposes, one v128 store per column; the rows past them (MR is 5 or 6) one or two floats
// per column.
function storeTileTransposed(tile: usize, c: usize, ldc: usize, relu: bool): void {
  transposeQuad(tile, c, ldc, relu);
  transposeQuad(tile + 16, c + 4 * ldc, ldc, relu);
  if (MR == 6) {
    storeRowPairTransposed(tile + 4 * ROW_BYTES, c + 16, ldc, relu);
    storeRowPairTransposed(tile + 4 * ROW_BYTES + 16, c + 4 * ldc + 16, ldc, relu);
  } else {
    storeRowTransposed(tile + 4 * ROW_BYTES, c + 16, ldc, relu);
    storeRowTransposed(tile + 4 * ROW_BYTES + 16, c + 4 * ldc + 16, ldc, relu);
  }
}

@inline function clampIf(x: v128, relu: bool): v128 {
  return relu ? relu4(x) : x;
}

// Rows r0..r3 of a 4x4 block, transposed: column i of the block as four floats at dst + i*stride.
@inline export function storeTransposed4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const lo01 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const hi01 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const lo23 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const hi23 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(lo01, lo23, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(lo01, lo23, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(hi01, hi23, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(hi01, hi23, 2, 3, 6, 7));
}

// Columns 0..3 of rows 0..3 of the tile at `tile` as four v128 at c, c + ldc, c + 2*ldc, c + 3*ldc.
@inline function transposeQuad(tile: usize, c: usize, ldc: usize, relu: bool): void {
  const r0 = clampIf(v128.load(tile), relu);
  const r1 = clampIf(v128.load(tile + ROW_BYTES), relu);
  const r2 = clampIf(v128.load(tile + 2 * ROW_BYTES), relu);
  const r3 = clampIf(v128.load(tile + 3 * ROW_BYTES), relu);
  storeTransposed4x4(r0, r1, r2, r3, c, ldc);
}

// Four floats of one row at `row` to c, c + ldc, c + 2*ldc, c + 3*ldc.
@inline function storeRowTransposed(row: usize, c: usize, ldc: usize, relu: bool): void {
  const r = clampIf(v128.load(row), relu);
  v128.store32_lane(c, r, 0);
  v128.store32_lane(c + ldc, r, 1);
  v128.store32_lane(c + 2 * ldc, r, 2);
  v128.store32_lane(c + 3 * ldc, r, 3);
}

// Four floats of two rows (at `row` and row + ROW_BYTES) as pairs to c, c + ldc, c + 2*ldc, c + 3*ldc.
@inline function storeRowPairTransposed(row: usize, c: usize, ldc: usize, relu: bool): void {
  const r0 = clampIf(v128.load(row), relu);
  const r1 = clampIf(v128.load(row + ROW_BYTES), relu);
  const lo = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const hi = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  v128.store64_lane(c, lo, 0);
  v128.store64_lane(c + ldc, lo, 1);
  v128.store64_lane(c + 2 * ldc, hi, 0);
  v128.store64_lane(c + 3 * ldc, hi, 1);
}

// The mr×nr corner of the scratch tile into c transposed, one float at a time: the last positions
// of an image, or a group with fewer than NR channels left.
function storeCornerTransposed(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32): void {
  for (let i = 0; i < mr; i++) {
    const row = tile + <usize>i * ROW_BYTES;
    const d = c + (<usize>i << 2);
    for (let j = 0; j < nr; j++) store<u32>(d + <usize>j * ldc, load<u32>(row + (<usize>j << 2)));
  }
}

@inline export function madd(x: v128, y: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

// C tile (MR×8, MR = 5 or 6) = initial tile + A panel (kc×MR, p-major) · B panel (kc×8), where the initial
// tile is read from `init` (rows `ldi` bytes apart: 0 repeats one row). kc >= 1.
// Shaped for V8's code generator, each point measured:
// - out of line: inlined into the block loop, V8 runs out of registers and spills accumulators;
// - the initial tile is read before the loop and C only stored after it (reading C after the
//   loop made V8 spill);
// - the first step is peeled: V8 then computes the broadcasts' address offsets once, before the
//   loop, instead of one `lea` per broadcast per step (plain SIMD: 38 -> 33 instructions a step);
// - no epilogue (ReLU) after the loop: with that branch V8 hoisted the broadcasts and spilled two
//   accumulators per step, halving the speed; reluTile does it right after, on the tile in L1.
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

// pmax(x, 0) is x < 0 ? 0 : x: one instruction, and NaN stays NaN as in PyTorch's relu.
@inline export function relu4(x: v128): v128 {
  return f32x4.pmax(x, f32x4.splat(0));
}

function reluTile(c: usize, ldc: usize): void {
  for (let i = 0; i < MR; i++) {
    const row = c + <usize>i * ldc;
    v128.store(row, relu4(v128.load(row)));
    v128.store(row, relu4(v128.load(row, 16)), 16);
  }
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
export function packB(kc: i32, nc: i32, b: usize, rowStride: i32, colStride: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    packPanel(kc, min(NR, nc - j0), NR, b + (<usize>(j0 * colStride) << 2), rowStride, colStride, dst);
    dst += <usize>(kc * NR) << 2;
  }
}

// mc×kc of op(A) into MR-tall panels: for each p, the MR values op(A)[i0 .. i0+MR, p].
export function packA(mc: i32, kc: i32, a: usize, rowStride: i32, colStride: i32, dst: usize): void {
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
      storeTransposed4x4(r0, r1, r2, r3, dst + (<usize>q << 2), out);
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

