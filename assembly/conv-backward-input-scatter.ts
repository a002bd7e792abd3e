// The convolution's input gradient (horizontal dilation 1) as the GEMM of the columns path with
// col2im folded into its tiles. gradOut[o, oy, ox] · W[o, c, i, j] belongs to gradInput[c, Y, X]
// with Y = oy·strideH + i·dilationH and X = ox·strideW + j, padding included (dropped at the
// end). Each output row oy and kernel row i is one product, computed by the GEMM engine
// accumulating into its C (FROM_C):
//
//   C[ox, (j, c)] += sum over o of gradOut[o, oy, ox] · W[o, c, i, j]      (M = outW, N = kw·channels, K = og)
//
// where C is the gradient row Y, channels last, its channels padded to whole NR-wide panels: C's
// column (j, c) is `j` positions and `c` floats along the row, which is exactly where the tile's
// column lands with row stride strideW positions. Tiles of one product overlap (ox + j = ox' + j'),
// but each tile adds into what the ones before it stored, and inside a tile (one tap j: one
// panel) every element has a place of its own. So every product lands where col2im would put it
// with no column matrix written or read back, in as many multiply-adds as the columns path. The
// channels-last gradient (all of one image and group, in L1 for LeNet's layers) is then
// transposed into the NCHW planes, without the padding.

import { FROM_C, MR, NR, multiplyBlock, packA, packedABuffer, packedBBuffer, storeTransposed4x4 } from './gemm-blocking';
import { ConvGeometry } from './conv-geometry';
import { scatterChannels, scatterRowPositions } from './conv-plan';

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

@inline function roundUp(n: i32, multiple: i32): i32 {
  return (n + multiple - 1) / multiple * multiple;
}

/** Images [begin, end); `scratch` (g.inputGradientScratchBytes) holds one channels-last gradient (the plan's INPUT_GRADIENT_SCATTER). */
export function conv2dBackwardInputScatter(gradOut: usize, weight: usize, gradInput: usize, scratch: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const area = g.area;
  const outW = g.outW;
  const kh = g.kernelH;
  const channels = scatterChannels(g);
  const position = bytes(channels);
  const gradientRow = <usize>scatterRowPositions(g) * position;
  const gradientBytes = <usize>g.spanRows * gradientRow;
  const tapRow = bytes(og * g.kernelW * channels);
  // Whole MR-row panels, no edge tiles: the packed rows past outW are zeros, whose products add
  // zeros where their taps reach (a non-finite weight times such a zero makes NaN there, as the
  // adjoint path's zero border does).
  const tileRows = roundUp(outW, MR);
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  for (let group = 0; group < g.groups; group++) {
    packWeights(weight + bytes(group * og * g.depth), packedB, g);
    for (let n = begin; n < end; n++) {
      const src = gradOut + bytes(n * g.outImageFloats + group * og * area);
      memory.fill(scratch, 0, gradientBytes);
      for (let oy = 0; oy < g.outH; oy++) {
        // Output row oy of gradOut, positions × output channels.
        packA(outW, og, src + bytes(oy * outW), 1, area, packedA);
        const row = scratch + <usize>(oy * g.strideH) * gradientRow;
        for (let i = 0; i < kh; i++) {
          multiplyBlock(tileRows, g.kernelW * channels, og, packedA, packedB + <usize>i * tapRow, row + <usize>(i * g.dilationH) * gradientRow, <usize>g.strideW * position, FROM_C, false);
        }
      }
      unpackGradient(scratch, gradInput + bytes(n * g.imageFloats + group * cg * g.height * g.width), g);
    }
  }
}

// One group's W[o, c, i, j] (og × cg × kh × kw at `weight`) as kh products' B: for kernel row i,
// og × (kw·channels) with column (j, c) = W[o, c, i, j], zero for the padding channels c >= cg,
// in NR-wide panels (kc = og rows each).
function packWeights(weight: usize, dst: usize, g: ConvGeometry): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const taps = g.kernelH * g.kernelW;
  const channels = scatterChannels(g);
  for (let t = 0; t < taps; t++) {
    for (let c0 = 0; c0 < channels; c0 += NR) {
      for (let o = 0; o < og; o++) {
        for (let l = 0; l < NR; l++) {
          const c = c0 + l;
          store<f32>(dst + bytes(l), c < cg ? load<f32>(weight + bytes((o * cg + c) * taps + t)) : 0);
        }
        dst += bytes(NR);
      }
    }
  }
}

// The channels-last gradient (spanRows × spanColumns positions, from the padding's top left)
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
      for (let k = 0; k < 4; k++) memory.fill(to + <usize>k * plane + bytes(inside), 0, bytes(width - inside));
    }
    for (; c < cg; c++) {
      const from = rowIn + bytes(c);
      const to = rowOut + <usize>c * plane;
      for (let x = 0; x < inside; x++) store<f32>(to + bytes(x), load<f32>(from + <usize>x * position));
      memory.fill(to + bytes(inside), 0, bytes(width - inside));
    }
  }
}
