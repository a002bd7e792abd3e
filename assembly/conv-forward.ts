// Convolution forward as an implicit GEMM: out[o, pos] = sum over taps p of W[o, p] · x(p, pos),
// one product per image and group, whose column matrix x is never written out. The GEMM's B
// panels (NR consecutive output positions per tap) are packed straight from the image, and the
// weights (A) are packed once per group for the whole batch. Bias and ReLU are the GEMM's epilogue.
//
// A panel row reads the image at (tap offset) + (lane offset): the tap fixes channel, kernel row
// and kernel column, the lane the output position. Padding is made real first (the image is copied
// into a zero-bordered buffer), so every read lands inside the image and needs no bounds check.

import {
  FROM_C, FROM_COLUMN_BIAS, FROM_ROW_BIAS, FROM_ZERO, KC, MC, MR, NC, NR,
  freshTileStart, multiplyBlock, multiplyTileTransposed, packA, packB, packedABuffer, packedBBuffer, prepareColumnBias, prepareRowBias,
} from './gemm-blocking';

// Image offsets of the taps of one K block (bytes), and of the NR lanes of one panel (floats).
const TAPS = memory.data(KC << 2, 16);
// Byte offsets of the steps of one packed MR-tall panel, for kernels that take A's steps as offsets.
const PANEL_STEPS = memory.data(KC << 2, 16);
const LANES = memory.data(NR << 2, 16);
const LANE_INDEX = memory.data<i32>([0, 1, 2, 3, 4, 5, 6, 7], 16);

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

@inline function roundUp(n: i32, multiple: i32): i32 {
  return (n + multiple - 1) / multiple * multiple;
}

/** Whether one group's packed weights fit the GEMM's A buffer, as this path keeps them there for the batch. */
export function implicitGemmFits(og: i32, depth: i32): bool {
  return og <= MC && <i64>roundUp(og, MR) * <i64>depth <= <i64>(MC * KC);
}

/** Rows and columns of the padded image the convolution reads: the padding that matters, and no more. */
export function paddedSpan(outSize: i32, kernel: i32, stride: i32, dilation: i32): i32 {
  return (outSize - 1) * stride + (kernel - 1) * dilation + 1;
}

export function conv2dForwardImplicit(
  input: usize, weight: usize, bias: usize, out: usize, padded: usize,
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32, relu: bool,
): void {
  const cg = channels / groups;
  const og = outChannels / groups;
  const depth = cg * kh * kw;
  if (transposedFits(og, depth)) {
    conv2dForwardTransposed(input, weight, bias, out, padded, batch, channels, height, width, outChannels, kh, kw, sh, sw, ph, pw, dh, dw, groups, outH, outW, relu);
    return;
  }
  const area = outH * outW;
  const spanH = paddedSpan(outH, kh, sh, dh);
  const spanW = paddedSpan(outW, kw, sw, dw);
  const copy = ph > 0 || pw > 0 || spanH > height || spanW > width;
  const rowStride = copy ? spanW : width;
  const planeStride = copy ? spanH * spanW : height * width;
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  const aRows = roundUp(og, MR);
  const start = bias ? FROM_ROW_BIAS : FROM_ZERO;
  for (let g = 0; g < groups; g++) {
    for (let pc = 0; pc < depth; pc += KC) {
      packA(og, min(KC, depth - pc), weight + bytes(g * og * depth + pc), depth, 1, packedA + bytes(aRows * pc));
    }
    if (bias) prepareRowBias(bias + bytes(g * og), og);
    for (let n = 0; n < batch; n++) {
      let src = input + bytes((n * channels + g * cg) * height * width);
      if (copy) {
        padImage(src, padded, cg, height, width, ph, pw, spanH, spanW);
        src = padded;
      }
      const dst = out + bytes((n * outChannels + g * og) * area);
      for (let pc = 0; pc < depth; pc += KC) {
        const kc = min(KC, depth - pc);
        tapOffsets(pc, kc, kh, kw, dh, dw, rowStride, planeStride);
        for (let jc = 0; jc < area; jc += NC) {
          const nc = min(NC, area - jc);
          packImagePanels(src, kc, jc, nc, outW, sh, sw, rowStride, packedB);
          const last = pc + kc == depth;
          multiplyBlock(og, nc, kc, packedA + bytes(aRows * pc), packedB, dst + bytes(jc), bytes(area), pc == 0 ? start : FROM_C, relu && last);
        }
      }
    }
  }
}

/** Whether the positions × channels orientation can run: every tile in one K block (its output is NCHW, so a tile cannot resume from it), one group's weights in the B buffer. */
export function transposedFits(og: i32, depth: i32): bool {
  return depth <= KC && og <= NC;
}

// The same product transposed: out^T[pos, o] = sum over taps p of x(p, pos) · W[o, p], one per
// image and group, M = output positions (MR a tile), N = output channels (NR a tile: 8, 16, 32 and
// 64 channels fill tiles exactly, where the other orientation leaves most of a row panel empty)
// and K = taps. A panels (MR consecutive positions per tap) are packed from the image, the
// transposed weights (B) once per group, the bias is per column, and every tile is stored
// transposed into the NCHW output.
export function conv2dForwardTransposed(
  input: usize, weight: usize, bias: usize, out: usize, padded: usize,
  batch: i32, channels: i32, height: i32, width: i32, outChannels: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, outH: i32, outW: i32, relu: bool,
): void {
  const cg = channels / groups;
  const og = outChannels / groups;
  const depth = cg * kh * kw;
  const area = outH * outW;
  const spanH = paddedSpan(outH, kh, sh, dh);
  const spanW = paddedSpan(outW, kw, sw, dw);
  const copy = ph > 0 || pw > 0 || spanH > height || spanW > width;
  const rowStride = copy ? spanW : width;
  const panel = packedABuffer();
  const packedB = packedBBuffer();
  const start = bias ? FROM_COLUMN_BIAS : FROM_ZERO;
  const ldc = bytes(area);
  tapOffsets(0, depth, kh, kw, dh, dw, rowStride, copy ? spanH * spanW : height * width);
  for (let t = 0; t < depth; t++) store<i32>(PANEL_STEPS + bytes(t), t * MR * 4);
  for (let g = 0; g < groups; g++) {
    packB(depth, og, weight + bytes(g * og * depth), 1, depth, packedB);
    if (bias) prepareColumnBias(bias + bytes(g * og), og);
    for (let n = 0; n < batch; n++) {
      let src = input + bytes((n * channels + g * cg) * height * width);
      if (copy) {
        padImage(src, padded, cg, height, width, ph, pw, spanH, spanW);
        src = padded;
      }
      const dst = out + bytes((n * outChannels + g * og) * area);
      for (let ir = 0; ir < area; ir += MR) {
        const mr = min(MR, area - ir);
        const a = tileRows(src, depth, ir, mr, outW, sh, sw, rowStride, panel);
        const steps = a == panel ? PANEL_STEPS : TAPS;
        for (let jr = 0; jr < og; jr += NR) {
          multiplyTileTransposed(depth, a, steps, packedB + bytes(jr * depth), freshTileStart(start, jr), dst + bytes(ir) + <usize>jr * ldc, ldc, mr, min(NR, og - jr), relu);
        }
      }
    }
  }
}

// channels planes of height×width into spanH×spanW planes, shifted by the top/left padding, zeros
// elsewhere.
function padImage(src: usize, dst: usize, channels: i32, height: i32, width: i32, ph: i32, pw: i32, spanH: i32, spanW: i32): void {
  const columns = max(0, min(width, spanW - pw));
  for (let c = 0; c < channels; c++) {
    const plane = src + bytes(c * height * width);
    for (let r = 0; r < spanH; r++) {
      const row = dst + bytes((c * spanH + r) * spanW);
      const iy = r - ph;
      if (iy < 0 || iy >= height) {
        zeroRun(row, spanW);
        continue;
      }
      zeroRun(row, pw);
      copyRun(row + bytes(pw), plane + bytes(iy * width), columns);
      zeroRun(row + bytes(pw + columns), spanW - pw - columns);
    }
  }
}

// TAPS[t] for the taps pc .. pc+kc of the column matrix, whose rows run (channel, kernel row, kernel column).
function tapOffsets(pc: i32, kc: i32, kh: i32, kw: i32, dh: i32, dw: i32, rowStride: i32, planeStride: i32): void {
  const perChannel = kh * kw;
  let c = pc / perChannel;
  let i = pc % perChannel / kw;
  let j = pc % kw;
  for (let t = 0; t < kc; t++) {
    store<i32>(TAPS + bytes(t), <i32>bytes(c * planeStride + i * dh * rowStride + j * dw));
    if (++j == kw) {
      j = 0;
      if (++i == kh) {
        i = 0;
        c++;
      }
    }
  }
}

// The kc×nc block of the column matrix at output positions jc .. jc+nc, as NR-wide panels.
function packImagePanels(src: usize, kc: i32, jc: i32, nc: i32, outW: i32, sh: i32, sw: i32, rowStride: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    laneOffsets(jc + jr, min(NR, nc - jr), NR, outW, sh, sw, rowStride);
    const split = runSplit(NR);
    if (split == NR) packRunPanel(src + bytes(load<i32>(LANES)), kc, dst);
    else if (split > 0) packTwoRunPanel(src, kc, split, dst);
    else packGatherPanel(src, kc, dst);
    dst += bytes(kc * NR);
  }
}

// LANES[l] for the output positions first .. first+width, l < lanes (lanes past width repeat lane
// 0: their results are discarded, and real image values keep them finite).
function laneOffsets(first: i32, width: i32, lanes: i32, outW: i32, sh: i32, sw: i32, rowStride: i32): void {
  let oy = first / outW;
  let ox = first % outW;
  const lane0 = oy * sh * rowStride + ox * sw;
  for (let l = 0; l < lanes; l++) {
    store<i32>(LANES + bytes(l), l < width ? oy * sh * rowStride + ox * sw : lane0);
    if (++ox == outW) {
      ox = 0;
      oy++;
    }
  }
}

// How LANES[0 .. lanes) lie: `lanes` when all are consecutive; s in 1..lanes-1 when lanes 0..s and
// s..lanes are two increasing runs of consecutive offsets (a panel that wraps to the next output
// row); 0 otherwise.
function runSplit(lanes: i32): i32 {
  let split = 0;
  for (let l = 1; l < lanes; l++) {
    const step = load<i32>(LANES + bytes(l)) - load<i32>(LANES + bytes(l - 1));
    if (step == 1) continue;
    if (step < 1 || split > 0) return 0;
    split = l;
  }
  return split > 0 ? split : lanes;
}

// Every tap reads NR consecutive floats.
function packRunPanel(src: usize, kc: i32, dst: usize): void {
  for (let t = 0; t < kc; t++) {
    const from = src + <usize>load<i32>(TAPS + bytes(t));
    v128.store(dst, v128.load(from));
    v128.store(dst, v128.load(from, 16), 16);
    dst += bytes(NR);
  }
}

// Lanes below `split` continue the run from lane 0, the others the run that ends at lane NR-1.
// Both reads stay between the first and last lane's floats: inside the image.
function packTwoRunPanel(src: usize, kc: i32, split: i32, dst: usize): void {
  const head = src + bytes(load<i32>(LANES));
  const tail = src + bytes(load<i32>(LANES + bytes(split)) - split);
  const lowMask = i32x4.lt_s(v128.load(LANE_INDEX), i32x4.splat(split));
  const highMask = i32x4.lt_s(v128.load(LANE_INDEX, 16), i32x4.splat(split));
  for (let t = 0; t < kc; t++) {
    const tap = <usize>load<i32>(TAPS + bytes(t));
    v128.store(dst, v128.bitselect(v128.load(head + tap), v128.load(tail + tap), lowMask));
    v128.store(dst, v128.bitselect(v128.load(head + tap, 16), v128.load(tail + tap, 16), highMask), 16);
    dst += bytes(NR);
  }
}

// Strided or scattered lanes: one float at a time.
function packGatherPanel(src: usize, kc: i32, dst: usize): void {
  for (let t = 0; t < kc; t++) {
    const tap = src + <usize>load<i32>(TAPS + bytes(t));
    for (let l = 0; l < NR; l++) store<f32>(dst + bytes(l), load<f32>(tap + bytes(load<i32>(LANES + bytes(l)))));
    dst += bytes(NR);
  }
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

// Rows here are short (an image width), where memory.copy/fill cost more to call than to run.
@inline export function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + bytes(i), v128.load(src + bytes(i)));
  for (; i < n; i++) store<f32>(dst + bytes(i), load<f32>(src + bytes(i)));
}

@inline export function zeroRun(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + bytes(i), i32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + bytes(i), 0);
}
