// Convolution weight gradient as an implicit GEMM: gradW[o, tap] += sum over output positions of
// gradOut[o, pos] · x(tap, pos), one product per image and group with M = output channels,
// N = taps, K = positions. The column matrix x is never written out (conv-image.ts): each B
// panel (NR taps for each position of a K block) is packed straight from the image. With stride
// 1, four positions in one output row are adjacent in the image, so each tap's four values are
// one load, and four taps' loads, transposed, are four panel rows; other positions are gathered.
// Where the channels fill tiles badly, the product is computed transposed (M = taps, N = output
// channels), with A panels of MR taps packed the same way or, where MR adjacent taps of a kernel
// row cover it, read in place (backwardWeightInPlace; the plan chooses: conv-plan.ts).
//
// The sum over the batch is cut into chunks of images that depend on the geometry alone, never on
// the thread count: each chunk's sum is a product of its own (chunk 0 straight into gradWeight,
// chunk k into a partial buffer), and the partials are added to gradWeight in chunk order. One
// thread adds each partial as it is done (conv2dBackwardWeightChunked); threads compute chunks
// in any order, then add them all (conv2dBackwardWeightSum): the same additions, in the same
// order, so the bits are the same for any number of threads.

import { FROM_C, FROM_ZERO, KC, MC, MR, NR, ROW_BYTES, freshTileStart, microKernelStepped, multiplyBlock, packA, packB, packedABuffer, packedBBuffer, storeTransposed4x4 } from './gemm-blocking';
import { POSITIONS, TAPS, bytes, groupImage, positionOffsets, tapOffsets } from './conv-image';
import { ConvGeometry, geometryAt } from './conv-geometry';
import { WEIGHT_GRADIENT_IN_PLACE, WEIGHT_GRADIENT_TRANSPOSED, inPlaceRowPanels, partialGradientBytes } from './conv-plan';

// TAPS holds one K block of taps, so a block of taps (this product's N) is at most that long.
const TAP_BLOCK: i32 = KC;
const PANEL_ROW: usize = <usize>NR << 2;

/** The whole weight gradient on this thread, chunk by chunk; `scratch` is g.weightGradientScratchBytes long. */
export function conv2dBackwardWeightChunked(input: usize, gradOut: usize, gradWeight: usize, scratch: usize, g: ConvGeometry): void {
  const batch = g.batch;
  const images = g.weightGradientImages;
  const partial = scratch;
  const padded = images >= batch ? scratch : scratch + <usize>partialGradientBytes(g);
  const weightFloats = g.outChannels * g.depth;
  let begin = 0;
  do {
    const end = min(batch, begin + images);
    conv2dBackwardWeightImplicit(input, gradOut, begin == 0 ? gradWeight : partial, padded, g, begin, end);
    if (begin > 0) conv2dBackwardWeightSum(gradWeight, partial, 0, 1, 0, weightFloats);
    begin = end;
  } while (begin < batch);
}

/**
 * Chunk k = begin / g.weightGradientImages of the weight gradient (images [begin, end)), with
 * its scratch at scratch + k × g.weightGradientScratchBytes: chunk 0 writes gradWeight, chunk
 * k > 0 the partial at the start of its scratch, for conv2dBackwardWeightSum.
 */
export function conv2dBackwardWeightPart(input: usize, gradOut: usize, gradWeight: usize, scratch: usize, geometry: usize, begin: i32, end: i32): void {
  const g = geometryAt(geometry);
  const own = scratch + <usize>(begin / g.weightGradientImages) * <usize>g.weightGradientScratchBytes;
  conv2dBackwardWeightImplicit(input, gradOut, begin == 0 ? gradWeight : own, own + <usize>partialGradientBytes(g), g, begin, end);
}

/**
 * gradWeight[i] += partial 1 [i] + partial 2 [i] + ... in that order, for i in [begin, end), the
 * `count` partials `stride` bytes apart from `first`: each element is the same sum however the
 * elements are split.
 */
export function conv2dBackwardWeightSum(gradWeight: usize, first: usize, stride: i32, count: i32, begin: i32, end: i32): void {
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    let acc = v128.load(gradWeight + bytes(i));
    for (let k = 0; k < count; k++) acc = f32x4.add(acc, v128.load(first + <usize>k * <usize>stride + bytes(i)));
    v128.store(gradWeight + bytes(i), acc);
  }
  for (; i < end; i++) {
    let acc = load<f32>(gradWeight + bytes(i));
    for (let k = 0; k < count; k++) acc += load<f32>(first + <usize>k * <usize>stride + bytes(i));
    store<f32>(gradWeight + bytes(i), acc);
  }
}

/**
 * The sum over images [begin, end) into gradWeight; `padded` holds one group's padded image where
 * padding is needed (it never is for a 1x1, stride-1, unpadded convolution).
 */
function conv2dBackwardWeightImplicit(input: usize, gradOut: usize, gradWeight: usize, padded: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  if (end <= begin || area <= 0) {
    memory.fill(gradWeight, 0, bytes(g.outChannels * depth));
    return;
  }
  const rowStride = g.readRowStride;
  const planeStride = g.readPlaneStride;
  if (g.weightGradientPath == WEIGHT_GRADIENT_TRANSPOSED) {
    backwardWeightTransposed(input, gradOut, gradWeight, padded, g, begin, end);
    return;
  }
  if (g.weightGradientPath == WEIGHT_GRADIENT_IN_PLACE) {
    backwardWeightInPlace(input, gradOut, gradWeight, padded, g, begin, end);
    return;
  }
  const kh = g.kernelH;
  const kw = g.kernelW;
  const dh = g.dilationH;
  const dw = g.dilationW;
  const sh = g.strideH;
  const sw = g.strideW;
  const outW = g.outW;
  const packedA = packedABuffer();
  const packedB = packedBBuffer();
  for (let group = 0; group < g.groups; group++) {
    const dst = gradWeight + bytes(group * og * depth);
    for (let n = begin; n < end; n++) {
      const src = groupImage(input + bytes(n * g.imageFloats + group * cg * g.height * g.width), padded, g);
      const rows = gradOut + bytes(n * g.outImageFloats + group * og * area);
      for (let pc = 0; pc < area; pc += KC) {
        const kc = min(KC, area - pc);
        const start = n == begin && pc == 0 ? FROM_ZERO : FROM_C;
        for (let jc = 0; jc < depth; jc += TAP_BLOCK) {
          const nc = min(TAP_BLOCK, depth - jc);
          tapOffsets(jc, nc, kh, kw, dh, dw, rowStride, planeStride);
          packTapPanels(src, nc, pc, kc, outW, sh, sw, rowStride, packedB);
          for (let ic = 0; ic < og; ic += MC) {
            const mc = min(MC, og - ic);
            packA(mc, kc, rows + bytes(ic * area + pc), area, 1, packedA);
            multiplyBlock(mc, nc, kc, packedA, packedB, dst + bytes(ic * depth + jc), bytes(depth), start, false);
          }
        }
      }
    }
  }
}

// The kc positions from `first` of the nc taps in TAPS, as NR-tap panels; taps past nc repeat the
// panel's first tap (their results are discarded, and real image values keep them finite).
function packTapPanels(src: usize, nc: i32, first: i32, kc: i32, outW: i32, sh: i32, sw: i32, rowStride: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const width = min(NR, nc - jr);
    const taps = TAPS + bytes(jr);
    const t0 = src + <usize>load<i32>(taps);
    packTapPanel(
      t0,
      width > 1 ? src + <usize>load<i32>(taps, 4) : t0,
      width > 2 ? src + <usize>load<i32>(taps, 8) : t0,
      width > 3 ? src + <usize>load<i32>(taps, 12) : t0,
      width > 4 ? src + <usize>load<i32>(taps, 16) : t0,
      width > 5 ? src + <usize>load<i32>(taps, 20) : t0,
      width > 6 ? src + <usize>load<i32>(taps, 24) : t0,
      width > 7 ? src + <usize>load<i32>(taps, 28) : t0,
      first, kc, outW, sh, sw, rowStride, dst,
    );
    dst += bytes(kc * NR);
  }
}

// Row p of the panel: the eight taps' values at position first + p.
function packTapPanel(
  t0: usize, t1: usize, t2: usize, t3: usize, t4: usize, t5: usize, t6: usize, t7: usize,
  first: i32, kc: i32, outW: i32, sh: i32, sw: i32, rowStride: i32, dst: usize,
): void {
  let ox = first % outW;
  let row = first / outW * sh * rowStride;
  const rowStep = sh * rowStride;
  let p = 0;
  while (p < kc) {
    const at = bytes(row + ox * sw);
    if (sw == 1 && ox + 4 <= outW && p + 4 <= kc) {
      storeTransposed4x4(v128.load(t0 + at), v128.load(t1 + at), v128.load(t2 + at), v128.load(t3 + at), dst, PANEL_ROW);
      storeTransposed4x4(v128.load(t4 + at), v128.load(t5 + at), v128.load(t6 + at), v128.load(t7 + at), dst + 16, PANEL_ROW);
      dst += 4 * PANEL_ROW;
      p += 4;
      ox += 4;
    } else {
      store<f32>(dst, load<f32>(t0 + at));
      store<f32>(dst, load<f32>(t1 + at), 4);
      store<f32>(dst, load<f32>(t2 + at), 8);
      store<f32>(dst, load<f32>(t3 + at), 12);
      store<f32>(dst, load<f32>(t4 + at), 16);
      store<f32>(dst, load<f32>(t5 + at), 20);
      store<f32>(dst, load<f32>(t6 + at), 24);
      store<f32>(dst, load<f32>(t7 + at), 28);
      dst += PANEL_ROW;
      p++;
      ox++;
    }
    if (ox == outW) {
      ox = 0;
      row += rowStep;
    }
  }
}

// gradW^T[tap, o] accumulated in gradW's own memory (rows og apart), then transposed into place.
function backwardWeightTransposed(input: usize, gradOut: usize, gradWeight: usize, padded: usize, g: ConvGeometry, begin: i32, end: i32): void {
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
  for (let group = 0; group < g.groups; group++) {
    const acc = gradWeight + bytes(group * og * depth);
    for (let n = begin; n < end; n++) {
      const src = groupImage(input + bytes(n * g.imageFloats + group * cg * g.height * g.width), padded, g);
      const rows = gradOut + bytes(n * g.outImageFloats + group * og * area);
      for (let pc = 0; pc < area; pc += KC) {
        const kc = min(KC, area - pc);
        const start = n == begin && pc == 0 ? FROM_ZERO : FROM_C;
        packB(kc, og, rows + bytes(pc), 1, area, packedB);
        for (let ic = 0; ic < depth; ic += MC) {
          const mc = min(MC, depth - ic);
          tapOffsets(ic, mc, kh, kw, dh, dw, rowStride, planeStride);
          packTapRows(src, mc, pc, kc, outW, sh, sw, rowStride, packedA);
          multiplyBlock(mc, og, kc, packedA, packedB, acc + bytes(ic * og), bytes(og), start, false);
        }
      }
    }
    transposeInPlace(acc, depth, og, packedB);
  }
}

// The kc positions from `first` of the mc taps in TAPS, as MR-tap panels (A's layout); taps past
// mc repeat the panel's first tap (their results are discarded).
function packTapRows(src: usize, mc: i32, first: i32, kc: i32, outW: i32, sh: i32, sw: i32, rowStride: i32, dst: usize): void {
  const panelRow = bytes(MR);
  for (let ir = 0; ir < mc; ir += MR) {
    const height = min(MR, mc - ir);
    const taps = TAPS + bytes(ir);
    let ox = first % outW;
    let row = first / outW * sh * rowStride;
    let d = dst;
    let p = 0;
    while (p < kc) {
      const at = bytes(row + ox * sw);
      if (sw == 1 && ox + 4 <= outW && p + 4 <= kc) {
        storeTransposed4x4(
          v128.load(src + at + <usize>load<i32>(taps)),
          v128.load(src + at + <usize>load<i32>(taps + bytes(min(1, height - 1)))),
          v128.load(src + at + <usize>load<i32>(taps + bytes(min(2, height - 1)))),
          v128.load(src + at + <usize>load<i32>(taps + bytes(min(3, height - 1)))),
          d, panelRow,
        );
        for (let r = 4; r < MR; r++) {
          const v = v128.load(src + at + <usize>load<i32>(taps + bytes(min(r, height - 1))));
          const lane = d + bytes(r);
          store<f32>(lane, f32x4.extract_lane(v, 0));
          store<f32>(lane + panelRow, f32x4.extract_lane(v, 1));
          store<f32>(lane + 2 * panelRow, f32x4.extract_lane(v, 2));
          store<f32>(lane + 3 * panelRow, f32x4.extract_lane(v, 3));
        }
        d += 4 * panelRow;
        p += 4;
        ox += 4;
      } else {
        for (let r = 0; r < MR; r++) store<f32>(d + bytes(r), load<f32>(src + at + <usize>load<i32>(taps + bytes(min(r, height - 1)))));
        d += panelRow;
        p++;
        ox++;
      }
      if (ox == outW) {
        ox = 0;
        row += sh * rowStride;
      }
    }
    dst += bytes(kc * MR);
  }
}

// gradW^T[tap, o] as the transposed product, its A read in place: at position p, MR adjacent taps
// of one kernel row are MR adjacent floats of the image, at the row's offset plus the position's
// (POSITIONS[p]), which microKernelStepped reads as a step table; only gradOut is packed (B).
// Its K blocks are whole output rows (the plan asks outW <= KC), so the table is written once.
// Each kernel row takes inPlaceRowPanels(kw) panels of MR taps, the last one moved back to end at
// the row's last tap where kw > MR (its first taps computed twice); where kw < MR its lanes past
// the row read the image further on and are discarded. The tiles accumulate, rows NR floats, in
// the A buffer (unused here): per NR channels, every panel's MR rows in turn; then the real taps
// are copied into gradWeight.
function backwardWeightInPlace(input: usize, gradOut: usize, gradWeight: usize, padded: usize, g: ConvGeometry, begin: i32, end: i32): void {
  const cg = g.groupChannels;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const area = g.area;
  const kh = g.kernelH;
  const kw = g.kernelW;
  const rowPanels = inPlaceRowPanels(kw);
  const kernelRows = cg * kh;
  const rowTaps = kernelRows * rowPanels * MR;
  const rowStride = g.readRowStride;
  const planeStride = g.readPlaneStride;
  const kernelRowStride = g.dilationH * rowStride;
  const acc = packedABuffer();
  const packedB = packedBBuffer();
  const zero = freshTileStart(FROM_ZERO, 0);
  // K blocks of whole output rows: each block's positions are the first one's, moved down.
  const blockRows = KC / g.outW;
  const blockPositions = blockRows * g.outW;
  const blockShift = blockRows * g.strideH * rowStride;
  positionOffsets(0, min(blockPositions, area), g.outW, g.strideH, g.strideW, rowStride);
  for (let group = 0; group < g.groups; group++) {
    for (let n = begin; n < end; n++) {
      const src = groupImage(input + bytes(n * g.imageFloats + group * cg * g.height * g.width), padded, g);
      const rows = gradOut + bytes(n * g.outImageFloats + group * og * area);
      for (let pc = 0, block = 0; pc < area; pc += blockPositions, block++) {
        const kc = min(blockPositions, area - pc);
        const fresh = n == begin && pc == 0;
        const blockImage = src + bytes(block * blockShift);
        packB(kc, og, rows + bytes(pc), 1, area, packedB);
        for (let jr = 0; jr < og; jr += NR) {
          const b = packedB + bytes(jr * kc);
          let tile = acc + bytes(jr * rowTaps);
          for (let row = 0; row < kernelRows; row++) {
            const c = row / kh;
            const kernelRow = blockImage + bytes(c * planeStride + (row - c * kh) * kernelRowStride);
            for (let panel = 0; panel < rowPanels; panel++) {
              const a = kernelRow + bytes(rowPanelStart(panel, kw));
              microKernelStepped(kc, a, POSITIONS, b, fresh ? zero : tile, fresh ? 0 : ROW_BYTES, tile, ROW_BYTES);
              tile += <usize>MR * ROW_BYTES;
            }
          }
        }
      }
    }
    scatterInPlaceTaps(acc, gradWeight + bytes(group * og * depth), og, kernelRows, kw, rowPanels * MR, rowTaps);
  }
}

// The first tap of a kernel row's panel `panel`: MR apart, the last one ending at the row's end
// where the row is longer than MR.
@inline function rowPanelStart(panel: i32, kw: i32): i32 {
  return max(0, min(panel * MR, kw - MR));
}

// gradWeight[o, row·kw + j] from the accumulated tiles: the channel o's lane of the panel row that
// holds tap j of kernel row `row` (the last panel holding it, as rowPanelStart places them).
function scatterInPlaceTaps(acc: usize, gradWeight: usize, og: i32, kernelRows: i32, kw: i32, rowLanes: i32, rowTaps: i32): void {
  const rowPanels = rowLanes / MR;
  for (let o = 0; o < og; o++) {
    const lanes = acc + bytes((o - o % NR) * rowTaps + o % NR);
    const dst = gradWeight + bytes(o * kernelRows * kw);
    for (let row = 0; row < kernelRows; row++) {
      for (let j = 0; j < kw; j++) {
        const panel = min(j / MR, rowPanels - 1);
        const lane = panel * MR + j - rowPanelStart(panel, kw);
        store<f32>(dst + bytes(row * kw + j), load<f32>(lanes + <usize>(row * rowLanes + lane) * ROW_BYTES));
      }
    }
  }
}

// m (rows x columns) becomes its transpose (columns x rows), by way of `spare`.
function transposeInPlace(m: usize, rows: i32, columns: i32, spare: usize): void {
  memory.copy(spare, m, bytes(rows * columns));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) store<f32>(m + bytes(c * rows + r), load<f32>(spare + bytes(r * columns + c)));
  }
}
