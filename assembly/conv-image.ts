// Reading an image for a convolution computed as an implicit GEMM (conv-forward.ts,
// conv-forward-transposed.ts, conv-backward-weight.ts): the column matrix x(tap, position) is never written out; its
// element is read at (tap offset) + (lane offset), the tap fixing channel, kernel row and kernel
// column, the lane the output position. Padding is made real first (the image is copied into a
// zero-bordered buffer, as the plan says: conv-plan.ts), so every read lands inside the image and
// needs no bounds check.

import { KC, NR } from './gemm-blocking';
import { ConvGeometry } from './conv-geometry';

// The tables below are written by every call, so each instance (one per thread) keeps its own in
// its kernel scratch (useConvTables), not in the module's static data, which threads share.
/** TAPS[t]: byte offset in the (padded) image of tap t of one K block, set by tapOffsets. */
export let TAPS: usize = 0;
/** LANES[l]: float offset in the (padded) image of lane l of one panel, set by laneOffsets. */
export let LANES: usize = 0;
/** PANEL_STEPS[t]: byte offset of step t of one packed MR-tall panel (conv-forward-transposed.ts). */
export let PANEL_STEPS: usize = 0;
/** POSITIONS[p]: byte offset in the (padded) image of output position p of one K block, set by positionOffsets. */
export let POSITIONS: usize = 0;

/** Bytes of this instance's convolution tables, 16-byte aligned. */
export const CONV_TABLE_BYTES: usize = <usize>(KC + NR + KC + KC) << 2;

/** Puts this instance's convolution tables at `ptr` (CONV_TABLE_BYTES, 16-byte aligned). */
export function useConvTables(ptr: usize): void {
  TAPS = ptr;
  LANES = ptr + (<usize>KC << 2);
  PANEL_STEPS = LANES + (<usize>NR << 2);
  POSITIONS = PANEL_STEPS + (<usize>KC << 2);
}
export const LANE_INDEX = memory.data<i32>([0, 1, 2, 3, 4, 5, 6, 7], 16);

@inline export function bytes(n: i32): usize {
  return <usize>n << 2;
}

/**
 * The group's `g.groupChannels` planes at `src` as the implicit paths read them (g's plan,
 * conv-plan.ts): `src` itself, or their zero-bordered copy made in `padded`.
 */
export function groupImage(src: usize, padded: usize, g: ConvGeometry): usize {
  if (!g.readsCopy) return src;
  padImage(src, padded, g.groupChannels, g.height, g.width, g.padTop, g.padLeft, g.spanRows, g.spanColumns);
  return padded;
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
export function tapOffsets(pc: i32, kc: i32, kh: i32, kw: i32, dh: i32, dw: i32, rowStride: i32, planeStride: i32): void {
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

// LANES[l] for the output positions first .. first+width, l < lanes (lanes past width repeat lane
// 0: their results are discarded, and real image values keep them finite).
export function laneOffsets(first: i32, width: i32, lanes: i32, outW: i32, sh: i32, sw: i32, rowStride: i32): void {
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

// POSITIONS[p] for the output positions first .. first+count (count <= KC).
export function positionOffsets(first: i32, count: i32, outW: i32, sh: i32, sw: i32, rowStride: i32): void {
  let oy = first / outW;
  let ox = first % outW;
  for (let p = 0; p < count; p++) {
    store<i32>(POSITIONS + bytes(p), <i32>bytes(oy * sh * rowStride + ox * sw));
    if (++ox == outW) {
      ox = 0;
      oy++;
    }
  }
}

// How LANES[0 .. lanes) lie: `lanes` when all are consecutive; s in 1..lanes-1 when lanes 0..s and
// s..lanes are two increasing runs of consecutive offsets (a panel that wraps to the next output
// row); 0 otherwise.
export function runSplit(lanes: i32): i32 {
  let split = 0;
  for (let l = 1; l < lanes; l++) {
    const step = load<i32>(LANES + bytes(l)) - load<i32>(LANES + bytes(l - 1));
    if (step == 1) continue;
    if (step < 1 || split > 0) return 0;
    split = l;
  }
  return split > 0 ? split : lanes;
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
