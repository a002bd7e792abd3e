// Convolution forward as an implicit GEMM in the channels × positions orientation:
// out[o, pos] = sum over taps p of W[o, p] · x(p, pos), one product per image and group, whose
// column matrix x is never written out (conv-image.ts). The GEMM's B panels (NR consecutive output
// positions per tap) are packed straight from the image, and the weights (A) are packed once per
// group for the whole batch. Bias and ReLU are the GEMM's epilogue. Where it pays, the product is
// computed transposed instead (conv-forward-transposed.ts; the plan chooses: conv-plan.ts).

import { FROM_C, FROM_ROW_BIAS, FROM_ZERO, KC, MR, NC, NR, multiplyBlock, packA, packedABuffer, packedBBuffer, prepareRowBias } from './gemm-blocking';
import { LANES, LANE_INDEX, TAPS, bytes, groupImage, laneOffsets, runSplit, tapOffsets } from './conv-image';
import { ConvGeometry } from './conv-geometry';

export { copyRun, zeroRun } from './conv-image';

@inline function roundUp(n: i32, multiple: i32): i32 {
  return (n + multiple - 1) / multiple * multiple;
}

/** Images [begin, end); the group's packed weights must fit the A buffer (the plan's FORWARD_IMPLICIT). */
export function conv2dForwardImplicit(input: usize, weight: usize, bias: usize, out: usize, padded: usize, g: ConvGeometry, begin: i32, end: i32, relu: bool): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  const kh = g.kernelH;
  const kw = g.kernelW;
  const dh = g.dilationH;
  const dw = g.dilationW;
  const sh = g.strideH;
  const sw = g.strideW;
  const outW = g.outW;
  const rowStride = g.readRowStride;
  const planeStride = g.readPlaneStride;
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  const aRows = roundUp(og, MR);
  const start = bias ? FROM_ROW_BIAS : FROM_ZERO;
  for (let group = 0; group < g.groups; group++) {
    for (let pc = 0; pc < depth; pc += KC) {
      packA(og, min(KC, depth - pc), weight + bytes(group * og * depth + pc), depth, 1, packedA + bytes(aRows * pc));
    }
    if (bias) prepareRowBias(bias + bytes(group * og), og);
    for (let n = begin; n < end; n++) {
      const src = groupImage(input + bytes(n * g.imageFloats + group * cg * g.height * g.width), padded, g);
      const dst = out + bytes(n * g.outImageFloats + group * og * area);
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

