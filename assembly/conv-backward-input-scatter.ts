// The convolution's input gradient (horizontal dilation 1) as the GEMM of the columns path with
// col2im folded into its tiles. gradOut[o, oy, ox] · W[o, c, i, j] belongs to gradInput[c, Y, X]
// with Y = oy·strideH + i·dilationH and X = ox·strideW + j, padding included (dropped at the
// end). Each gradient row Y is one product of the GEMM engine, accumulating into its C (FROM_C):
//
//   C[ox, (j, c)] += sum over (i, o) of gradOut[o, oy, ox] · W[o, c, i, j]      (M = outW, N = kw·channels)
//
// over the kernel rows i that reach row Y from a whole output row oy (K = those rows × og: up to
// 80 for LeNet's conv2; one product per kernel row, K = 16, was 1.13x slower, the tiles' fixed
// cost weighing on it). C is the gradient row, channels last, its channels padded to whole
// NR-wide panels: C's column (j, c) is `j` positions and `c` floats along the row, which is
// exactly where the tile's column lands with row stride strideW positions. Tiles overlap
// (ox + j = ox' + j'), but each adds into what the ones before it stored, and inside a tile (one
// tap j: one panel) every element has a place of its own. So every product lands where col2im
// would put it with no column matrix written or read back, in as many multiply-adds as the
// columns path. The channels-last gradient (all of one image and group, in L1 for LeNet's layers)
// is then transposed into the NCHW planes, without the padding.
//
// The kernel rows that reach a gradient row are every (strideH / gcd)-th, and their output rows
// every (dilationH / gcd)-th (gcd of the two): each operand's K is laid out by those classes, so
// that the rows one product needs are one contiguous run of each (conv-plan.ts: scatterRowSlots,
// scatterKernelSlots). A takes the output rows in ascending order, B the kernel rows descending:
// step k of both is the same (oy, i) pair.

import { FROM_C, MR, NR, multiplyBlock, packA, packedABuffer, packedBBuffer, storeTransposed4x4 } from './gemm-blocking';
import { ConvGeometry } from './conv-geometry';
import { gcd, scatterChannels, scatterKernelSlots, scatterRowPositions, scatterRowSlots } from './conv-plan';

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

/** Images [begin, end); `scratch` (g.inputGradientScratchBytes) holds one channels-last gradient (the plan's INPUT_GRADIENT_SCATTER). */
export function conv2dBackwardInputScatter(gradOut: usize, weight: usize, gradInput: usize, scratch: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const area = g.area;
  const outW = g.outW;
  const outH = g.outH;
  const kh = g.kernelH;
  const position = bytes(scatterChannels(g));
  const gradientRow = <usize>scatterRowPositions(g) * position;
  const gradientBytes = <usize>g.spanRows * gradientRow;
  // Whole MR-row panels, no edge tiles: the packed rows past outW are zeros, whose products add
  // zeros where their taps reach (a non-finite weight times such a zero makes NaN there, as the
  // adjoint path's zero border does).
  const panels = (outW + MR - 1) / MR;
  const rowSlots = scatterRowSlots(g);
  const aPanel = bytes(rowSlots * og * MR);
  const bPanel = bytes(scatterKernelSlots(g) * og * NR);
  const bPanels = g.kernelW * scatterChannels(g) / NR;
  const ldc = <usize>g.strideW * position;
  const sh = g.strideH;
  const dh = g.dilationH;
  const common = gcd(sh, dh);
  const rowStep = dh / common;
  const rowsPerClass = (outH + rowStep - 1) / rowStep;
  const kernelStep = sh / common;
  const kernelsPerClass = (kh + kernelStep - 1) / kernelStep;
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  for (let group = 0; group < g.groups; group++) {
    packWeights(weight + bytes(group * og * g.depth), packedB, kernelStep, kernelsPerClass, g);
    for (let n = begin; n < end; n++) {
      const src = gradOut + bytes(n * g.outImageFloats + group * og * area);
      // Panel p of gradOut's output row oy (positions × output channels) at panel p's run of slots.
      for (let p = 0; p < panels; p++) {
        for (let oy = 0; oy < outH; oy++) {
          packA(min(MR, outW - p * MR), og, src + bytes(oy * outW + p * MR), 1, area, packedA + <usize>p * aPanel + bytes(rowSlot(oy, rowStep, rowsPerClass) * og * MR));
        }
      }
      memory.fill(scratch, 0, gradientBytes);
      for (let y = 0; y < g.spanRows; y++) {
        // The kernel rows that reach y: every step-th from `first` to `last`.
        let first = -1;
        let last = -1;
        for (let i = 0; i < kh; i++) {
          const reach = y - i * dh;
          if (reach < 0 || (sh != 1 && reach % sh != 0) || (sh == 1 ? reach : reach / sh) >= outH) continue;
          if (first < 0) first = i;
          last = i;
        }
        if (first < 0) continue;
        const kc = (kernelSlot(first, kernelStep, kernelsPerClass) - kernelSlot(last, kernelStep, kernelsPerClass) + 1) * og;
        const reach = y - last * dh;
        const a = packedA + bytes(rowSlot(sh == 1 ? reach : reach / sh, rowStep, rowsPerClass) * og * MR);
        const b = packedB + bytes(kernelSlot(last, kernelStep, kernelsPerClass) * og * NR);
        const row = scratch + <usize>y * gradientRow;
        // Where K spans every slot of B's panels (a row that every kernel row reaches), they are
        // kc·NR apart, as multiplyBlock reads them: one call for all; else one per tile.
        const whole = bytes(kc * NR) == bPanel;
        for (let p = 0; p < panels; p++) {
          const at = row + <usize>(p * MR) * ldc;
          if (whole) {
            multiplyBlock(MR, bPanels * NR, kc, a + <usize>p * aPanel, b, at, ldc, FROM_C, false);
            continue;
          }
          for (let q = 0; q < bPanels; q++) {
            multiplyBlock(MR, NR, kc, a + <usize>p * aPanel, b + <usize>q * bPanel, at + bytes(q * NR), ldc, FROM_C, false);
          }
        }
      }
      unpackGradient(scratch, gradInput + bytes(n * g.imageFloats + group * cg * g.height * g.width), g);
    }
  }
}

// Where A's K order puts output row oy: by class (oy mod `step`, the step between the output rows
// of one product), ascending within it.
@inline function rowSlot(oy: i32, step: i32, perClass: i32): i32 {
  return step == 1 ? oy : oy % step * perClass + oy / step;
}

// Where B's K order puts kernel row i: by class (i mod `step`, the step between the kernel rows of
// one product), descending within it.
@inline function kernelSlot(i: i32, step: i32, perClass: i32): i32 {
  return step == 1 ? perClass - 1 - i : i % step * perClass + perClass - 1 - i / step;
}

// One group's W[o, c, i, j] (og × cg × kh × kw at `weight`) as B: panel (j, c0) is kernel rows
// i (at kernelSlot(i)) × output channels × W[o, c0 .. c0 + NR, i, j], zero for the padding
// channels c >= cg and the slots no kernel row takes.
function packWeights(weight: usize, dst: usize, kernelStep: i32, kernelsPerClass: i32, g: ConvGeometry): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const kh = g.kernelH;
  const kw = g.kernelW;
  const slotFloats = og * NR;
  const panel = bytes(kernelStep * kernelsPerClass * slotFloats);
  const channels = scatterChannels(g);
  memory.fill(dst, 0, panel * <usize>(kw * channels / NR));
  for (let j = 0; j < kw; j++) {
    for (let c0 = 0; c0 < channels; c0 += NR) {
      for (let i = 0; i < kh; i++) {
        let to = dst + bytes(kernelSlot(i, kernelStep, kernelsPerClass) * slotFloats);
        for (let o = 0; o < og; o++) {
          for (let l = 0; l < min(NR, cg - c0); l++) store<f32>(to + bytes(l), load<f32>(weight + bytes(((o * cg + c0 + l) * kh + i) * kw + j)));
          to += bytes(NR);
        }
      }
      dst += panel;
    }
  }
}

// The channels-last gradient (spanRows rows of scatterRowPositions, from the padding's top left)
// into the group's NCHW planes at `dst`: gradInput[c, y, x] = it at (y + padTop, x + padLeft),
// or 0 past its end (rows and columns no window reaches). Four positions × four channels at a
// time, transposed.
function unpackGradient(src: usize, dst: usize, g: ConvGeometry): void {
  const cg = g.groupChannels;
  const height = g.height;
  const width = g.width;
  const plane = bytes(height * width);
  const position = bytes(scatterChannels(g));
  const gradientRow = <usize>scatterRowPositions(g) * position;
  // Columns x < inside read the gradient; the rest are 0.
  const inside = max(0, min(width, g.spanColumns - g.padLeft));
  for (let y = 0; y < height; y++) {
    const rowOut = dst + bytes(y * width);
    if (y + g.padTop >= g.spanRows) {
      for (let c = 0; c < cg; c++) memory.fill(rowOut + <usize>c * plane, 0, bytes(width));
      continue;
    }
    const rowIn = src + <usize>(y + g.padTop) * gradientRow + <usize>g.padLeft * position;
    let c = 0;
    for (; c + 4 <= cg; c += 4) {
      const from = rowIn + bytes(c);
      const to = rowOut + <usize>c * plane;
      let x = 0;
      for (; x + 4 <= inside; x += 4) {
        const at = from + <usize>x * position;
        storeTransposed4x4(v128.load(at), v128.load(at + position), v128.load(at + 2 * position), v128.load(at + 3 * position), to + bytes(x), plane);
      }
      for (; x < inside; x++) {
        const value = v128.load(from + <usize>x * position);
        v128.store32_lane(to + bytes(x), value, 0);
        v128.store32_lane(to + plane + bytes(x), value, 1);
        v128.store32_lane(to + 2 * plane + bytes(x), value, 2);
        v128.store32_lane(to + 3 * plane + bytes(x), value, 3);
      }
      if (inside < width) {
        for (let k = 0; k < 4; k++) memory.fill(to + <usize>k * plane + bytes(inside), 0, bytes(width - inside));
      }
    }
    for (; c < cg; c++) {
      const from = rowIn + bytes(c);
      const to = rowOut + <usize>c * plane;
      for (let x = 0; x < inside; x++) store<f32>(to + bytes(x), load<f32>(from + <usize>x * position));
      memory.fill(to + bytes(inside), 0, bytes(width - inside));
    }
  }
}
