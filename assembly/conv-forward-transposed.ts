// Convolution forward as an implicit GEMM in the positions × channels orientation:
// out^T[pos, o] = sum over taps p of x(p, pos) · W[o, p], one product per image and group, with
// M = output positions (MR a tile), N = output channels (NR = 8 a tile) and K = taps. Where a
// group has few output channels (8, 16: LeNet's layers) its channels fill whole 8-wide tiles,
// where as rows they would leave MR-row panels part empty (conv-forward.ts chooses).
//
// The weights are packed transposed (B) once per group for the whole batch; op(A) is read in
// place: a tile's MR positions that are one run of the image are MR consecutive floats per tap,
// at the tap's offset, which the micro-kernel takes from a table instead of a packed panel. Other
// tiles (wrapping to the next output row, strided, or the image's last positions) are packed into
// one panel first; where the plan says (forwardRowTiles), each output row takes whole tiles read
// in place instead (rowTiles). The bias is per column; every tile is stored transposed into the
// NCHW output, its ReLU on the way (row tiles a whole row at a time, from a staging row).

import { FROM_COLUMN_BIAS, FROM_ZERO, KC, MR, NR, ROW_BYTES, freshTileStart, microKernelStepped, multiplyTileTransposed, packB, packedABuffer, packedBBuffer, prepareColumnBias, relu4, storeTransposed4x4 } from './gemm-blocking';
import { ConvGeometry } from './conv-geometry';
import { LANES, LANE_INDEX, PANEL_STEPS, TAPS, bytes, groupImage, laneOffsets, runSplit, tapOffsets } from './conv-image';

/** Needs depth <= KC (every tile in one K block) and at most NC channels per group. */
export function conv2dForwardTransposed(input: usize, weight: usize, bias: usize, out: usize, padded: usize, g: ConvGeometry, begin: i32, end: i32, relu: bool): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  const outW = g.outW;
  const sh = g.strideH;
  const sw = g.strideW;
  const rowStride = g.readRowStride;
  const panel = packedABuffer();
  const packedB = packedBBuffer();
  const start = bias ? FROM_COLUMN_BIAS : FROM_ZERO;
  const ldc = bytes(area);
  tapOffsets(0, depth, g.kernelH, g.kernelW, g.dilationH, g.dilationW, rowStride, g.readPlaneStride);
  for (let t = 0; t < depth; t++) store<i32>(PANEL_STEPS + bytes(t), t * MR * 4);
  for (let group = 0; group < g.groups; group++) {
    packB(depth, og, weight + bytes(group * og * depth), 1, depth, packedB);
    if (bias) prepareColumnBias(bias + bytes(group * og), og);
    for (let n = begin; n < end; n++) {
      const src = groupImage(input + bytes(n * g.imageFloats + group * cg * g.height * g.width), padded, g);
      const dst = out + bytes(n * g.outImageFloats + group * og * area);
      if (g.forwardRowTiles) {
        rowTiles(src, packedB, start, dst, ldc, g, relu);
        continue;
      }
      for (let ir = 0; ir < area; ir += MR) {
        const mr = min(MR, area - ir);
        const a = tileRows(src, depth, ir, mr, outW, sh, sw, rowStride, panel);
        const steps = a == panel ? PANEL_STEPS : TAPS; // tileRows answers `panel` only for a packed tile
        for (let jr = 0; jr < og; jr += NR) {
          multiplyTileTransposed(depth, a, steps, packedB + bytes(jr * depth), freshTileStart(start, jr), dst + bytes(ir) + <usize>jr * ldc, ldc, mr, min(NR, og - jr), relu);
        }
      }
    }
  }
}

// One image's tiles where each output row holds whole tiles of adjacent positions (stride 1, rows
// of at least MR; the plan chooses, conv-plan.ts): every tile is read in place, the row's last one moved back to end at the row's
// end (recomputing a few positions of the one before, the same values), so no tile wraps to the
// next row or is packed. The tiles of one output row and NR channels land in a staging row
// (positions × channels, in the A buffer, which this path does not pack), transposed into the
// output in 4×4 blocks of whole vectors once the row is done.
function rowTiles(src: usize, packedB: usize, start: i32, dst: usize, ldc: usize, g: ConvGeometry, relu: bool): void {
  const depth = g.depth;
  const og = g.groupOutChannels;
  const outW = g.outW;
  const srcRowStep = bytes(g.strideH * g.readRowStride);
  const stage = packedABuffer();
  for (let oy = 0; oy < g.outH; oy++) {
    for (let jr = 0; jr < og; jr += NR) {
      const b = packedB + bytes(jr * depth);
      const init = freshTileStart(start, jr);
      for (let x = 0; x < outW; x += MR) {
        const ox = min(x, outW - MR);
        microKernelStepped(depth, src + bytes(ox), TAPS, b, init, 0, stage + <usize>ox * ROW_BYTES, ROW_BYTES);
      }
      storeStageTransposed(stage, dst + bytes(oy * outW) + <usize>jr * ldc, ldc, outW, min(NR, og - jr), relu);
    }
    src += srcRowStep;
  }
}

// The staging row (width positions × NR channels) into the output's channel rows (ldc bytes
// apart, the first nr of them), clamped at 0 if `relu`: four positions of four channels per 4×4
// transpose, the last block moved back to end at the row's end (width >= 4).
function storeStageTransposed(stage: usize, c: usize, ldc: usize, width: i32, nr: i32, relu: bool): void {
  for (let x = 0; x < width; x += 4) {
    const q = min(x, width - 4);
    const rows = stage + <usize>q * ROW_BYTES;
    const to = c + bytes(q);
    if (nr == NR) {
      transposeStageQuad(rows, to, ldc, relu);
      transposeStageQuad(rows + 16, to + 4 * ldc, ldc, relu);
      continue;
    }
    for (let j = 0; j < nr; j++) {
      for (let i = 0; i < 4; i++) {
        const v = load<f32>(rows + <usize>i * ROW_BYTES + bytes(j));
        store<f32>(to + <usize>j * ldc + bytes(i), relu && v < 0 ? 0 : v);
      }
    }
  }
}

// Four channels (the v128 at `rows`) of four positions (rows ROW_BYTES apart) as four runs of four positions at c + i*ldc.
@inline function transposeStageQuad(rows: usize, c: usize, ldc: usize, relu: bool): void {
  let r0 = v128.load(rows);
  let r1 = v128.load(rows + ROW_BYTES);
  let r2 = v128.load(rows + 2 * ROW_BYTES);
  let r3 = v128.load(rows + 3 * ROW_BYTES);
  if (relu) {
    r0 = relu4(r0);
    r1 = relu4(r1);
    r2 = relu4(r2);
    r3 = relu4(r3);
  }
  storeTransposed4x4(r0, r1, r2, r3, c, ldc);
}

// Where the tile of output positions first .. first+mr finds its MR values for tap t: at the
// returned address + TAPS[t] when they are one run of the image (read in place), else at
// panel + t*MR floats, packed there now.
function tileRows(src: usize, kc: i32, first: i32, mr: i32, outW: i32, sh: i32, sw: i32, rowStride: i32, panel: usize): usize {
  const oy = first / outW;
  const ox = first - oy * outW;
  if (mr == MR && sw == 1 && ox + MR <= outW) return src + bytes(oy * sh * rowStride + ox);
  laneOffsets(first, mr, MR, outW, sh, sw, rowStride);
  const split = runSplit(MR);
  if (split == MR) return src + bytes(load<i32>(LANES));
  if (split > 0) packPositionTwoRuns(src, kc, split, panel);
  else packPositionGather(src, kc, panel);
  return panel;
}

// Lanes below `split` continue the run from lane 0, the others the run that ends at lane MR-1;
// lanes 0..3 are blended from both as in packTwoRunPanel, the others read from their own run.
function packPositionTwoRuns(src: usize, kc: i32, split: i32, dst: usize): void {
  const head = src + bytes(load<i32>(LANES));
  const tail = src + bytes(load<i32>(LANES + bytes(split)) - split);
  const mask = i32x4.lt_s(v128.load(LANE_INDEX), i32x4.splat(split));
  const lane4 = (4 < split ? head : tail) + bytes(4);
  const lane5 = (5 < split ? head : tail) + bytes(5);
  for (let t = 0; t < kc; t++) {
    const tap = <usize>load<i32>(TAPS + bytes(t));
    v128.store(dst, v128.bitselect(v128.load(head + tap), v128.load(tail + tap), mask));
    store<f32>(dst, load<f32>(lane4 + tap), 16);
    if (MR == 6) store<f32>(dst, load<f32>(lane5 + tap), 20);
    dst += bytes(MR);
  }
}

// Strided or scattered lanes: one float at a time.
function packPositionGather(src: usize, kc: i32, dst: usize): void {
  for (let t = 0; t < kc; t++) {
    const tap = src + <usize>load<i32>(TAPS + bytes(t));
    for (let l = 0; l < MR; l++) store<f32>(dst + bytes(l), load<f32>(tap + bytes(load<i32>(LANES + bytes(l)))));
    dst += bytes(MR);
  }
}
