// The recurrent product of an RNN, LSTM or GRU layer, run once per time step: C[m, n] (+)= A[m, k]
// · op(W), A the batch's states or gate gradients (m = the batch, a few dozen rows), op(W) the
// hidden-to-hidden weights, packed once per sequence.
//
// The GEMM engine (gemm-blocking.ts) computes MR rows at a time (5, or 6 with relaxed SIMD): a
// batch of 32 is 6 or 5 full row tiles and 2 rows left over, which a whole tile would compute as
// MR rows through its scratch copy (35 or 36 rows for 32). Here the full tiles go to the engine
// and the one or two rows left over to a tile of their own, 2 rows by 16 columns (eight
// accumulators, as many independent chains as a full tile has), which reads the same two packed
// panels of W while they are in L1. Left-over rows of 3 or more go to the engine whole.
//
// W is packed as the engine packs B (packB: panels of NR = 8 columns, each holding kc rows, for
// each KC-deep block of k) with the panel count of each block rounded up to even, the extra panel
// zero, so the 16-column tile always has two panels to read.

import { FROM_C, FROM_ZERO, KC, MC, MR, NR, madd, multiplyBlock, packA, packB, packedABuffer } from './gemm-blocking';

const PAIR_COLUMNS: i32 = 2 * NR;
const PAIR_ROW_BYTES: usize = <usize>PAIR_COLUMNS << 2;
// Where a left-over tile starts when it does not start from C, and where its rows go when it is
// narrower than 16 columns or is a single row: two rows of 16, 64-byte aligned.
const ZERO_ROW = memory.data(<i32>PAIR_ROW_BYTES, 64);
const EDGE_TILE = memory.data(2 * <i32>PAIR_ROW_BYTES, 64);

// Columns of W's packed blocks: n rounded up to a whole number of panel pairs.
function paddedColumns(n: i32): i32 {
  return (n + PAIR_COLUMNS - 1) / PAIR_COLUMNS * PAIR_COLUMNS;
}

/** Bytes that recurrentPackWeight writes for op(W) of k×n. */
export function recurrentWeightBytes(k: i32, n: i32): i32 {
  return k * paddedColumns(n) << 2;
}

/** Packs op(W), k×n (W stored [n, k] when transposed, else [k, n]), into `dst`, recurrentWeightBytes(k, n) long. */
export function recurrentPackWeight(transposed: i32, k: i32, n: i32, w: usize, dst: usize): void {
  const rowStride = transposed ? 1 : n;
  const columnStride = transposed ? k : 1;
  const padded = paddedColumns(n);
  const packedColumns = (n + NR - 1) / NR * NR;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const block = dst + (<usize>(pc * padded) << 2);
    packB(kc, n, w + (<usize>(pc * rowStride) << 2), rowStride, columnStride, block);
    if (packedColumns < padded) memory.fill(block + (<usize>(kc * packedColumns) << 2), 0, <usize>(kc * NR) << 2);
  }
}

/**
 * C[m, n] = A[m, k] · op(W) (+ C if accumulate), A and C row-major, op(W) packed by
 * recurrentPackWeight. Uses the engine's packed-A scratch (setGemmScratch).
 */
export function recurrentProduct(m: i32, n: i32, k: i32, a: usize, packedW: usize, c: usize, accumulate: i32): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const packedA = packedABuffer();
  const padded = paddedColumns(n);
  const ldc = <usize>n << 2;
  const rowBytes = <usize>k << 2;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const start = pc == 0 && accumulate == 0 ? FROM_ZERO : FROM_C;
    const block = packedW + (<usize>(pc * padded) << 2);
    const panelBytes = <usize>(kc * NR) << 2;
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      const leftOver = mc % MR;
      // pairTile reads panels of 8 columns; were NR another width, the engine would take every row.
      const tiled = NR == 8 && leftOver <= 2 ? mc - leftOver : mc;
      const aBlock = a + <usize>ic * rowBytes + (<usize>pc << 2);
      const cBlock = c + <usize>ic * ldc;
      if (tiled > 0) packA(tiled, kc, aBlock, k, 1, packedA);
      for (let j0 = 0; j0 < n; j0 += PAIR_COLUMNS) {
        const columns = min(PAIR_COLUMNS, n - j0);
        const pair = block + <usize>(j0 / NR) * panelBytes;
        const cPair = cBlock + (<usize>j0 << 2);
        if (tiled > 0) multiplyBlock(tiled, columns, kc, packedA, pair, cPair, ldc, start, false);
        if (tiled < mc) {
          leftOverRows(mc - tiled, columns, kc, aBlock + <usize>tiled * rowBytes, rowBytes, pair, panelBytes, cPair + <usize>tiled * ldc, ldc, start == FROM_C);
        }
      }
    }
  }
}

// The 1 or 2 rows (`rows`) of A at `a` (rowBytes apart) times one pair of panels, into the first
// `columns` columns of C's rows at `c`; from C if fromC, else from zero. A row and a column
// beyond the product go through EDGE_TILE.
function leftOverRows(rows: i32, columns: i32, kc: i32, a: usize, rowBytes: usize, pair: usize, panelBytes: usize, c: usize, ldc: usize, fromC: bool): void {
  const whole = columns == PAIR_COLUMNS;
  const out0 = whole ? c : EDGE_TILE;
  const out1 = rows == 1 ? EDGE_TILE + PAIR_ROW_BYTES : whole ? c + ldc : EDGE_TILE + PAIR_ROW_BYTES;
  if (fromC && !whole) copyColumns(c, EDGE_TILE, columns);
  if (fromC && !whole && rows == 2) copyColumns(c + ldc, EDGE_TILE + PAIR_ROW_BYTES, columns);
  const init0 = fromC ? out0 : ZERO_ROW;
  const init1 = fromC && rows == 2 ? out1 : ZERO_ROW;
  const a1 = rows == 2 ? a + rowBytes : a;
  pairTile(kc, a, a1, pair, panelBytes, init0, init1, out0, out1);
  if (!whole) {
    copyColumns(EDGE_TILE, c, columns);
    if (rows == 2) copyColumns(EDGE_TILE + PAIR_ROW_BYTES, c + ldc, columns);
  }
}

// Two rows by 16 columns: c0, c1 = init0, init1 + rows a0, a1 of A (kc floats each) times the
// two panels at w and w + panelBytes. Shaped as the engine's micro-kernel (a function of its own,
// nothing but the stores after the loop) so V8 keeps the eight accumulators in registers.
function pairTile(kc: i32, a0: usize, a1: usize, w: usize, panelBytes: usize, init0: usize, init1: usize, c0: usize, c1: usize): void {
  let x0 = v128.load(init0), x1 = v128.load(init0, 16), x2 = v128.load(init0, 32), x3 = v128.load(init0, 48);
  let y0 = v128.load(init1), y1 = v128.load(init1, 16), y2 = v128.load(init1, 32), y3 = v128.load(init1, 48);
  const end = w + (<usize>(kc * NR) << 2);
  let v = w + panelBytes;
  while (w < end) {
    const w0 = v128.load(w);
    const w1 = v128.load(w, 16);
    const w2 = v128.load(v);
    const w3 = v128.load(v, 16);
    const s = v128.load32_splat(a0);
    x0 = madd(s, w0, x0);
    x1 = madd(s, w1, x1);
    x2 = madd(s, w2, x2);
    x3 = madd(s, w3, x3);
    const t = v128.load32_splat(a1);
    y0 = madd(t, w0, y0);
    y1 = madd(t, w1, y1);
    y2 = madd(t, w2, y2);
    y3 = madd(t, w3, y3);
    a0 += 4;
    a1 += 4;
    w += <usize>NR << 2;
    v += <usize>NR << 2;
  }
  v128.store(c0, x0);
  v128.store(c0, x1, 16);
  v128.store(c0, x2, 32);
  v128.store(c0, x3, 48);
  v128.store(c1, y0);
  v128.store(c1, y1, 16);
  v128.store(c1, y2, 32);
  v128.store(c1, y3, 48);
}

// The first `columns` floats of a row. A plain loop: for a few floats it beats memory.copy, which V8 runs as a call.
function copyColumns(src: usize, dst: usize, columns: i32): void {
  for (let j = 0; j < columns; j++) store<u32>(dst + (<usize>j << 2), load<u32>(src + (<usize>j << 2)));
}
