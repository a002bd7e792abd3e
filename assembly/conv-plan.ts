// The convolution plan: which path each pass takes, the scratch each needs, how the implicit paths
// read images, and how the weight gradient's sum over the batch is chunked, chosen once per
// geometry (conv2dPlan, when the host writes the geometry) and stored in the geometry struct
// (conv-geometry.ts), where the kernels on every thread read it.
//
// Paths: the forward pass is an implicit GEMM (the column matrix packed straight from the image:
// conv-forward.ts, channels × positions, or conv-forward-transposed.ts, positions × channels)
// where one group's packed weights fit the A buffer, else im2col + GEMM ('columns'), or the GEMM
// straight on the input ('pointwise': 1x1, stride 1, unpadded). The input gradient is a GEMM and
// col2im, or that GEMM adding its tiles straight where col2im would ('scatter':
// conv-backward-input-scatter.ts), or the GEMM straight into the gradient (pointwise), or, with
// stride 1, the forward's implicit GEMM run on gradOut with the weights flipped ('adjoint':
// conv-backward-input.ts). The weight gradient is an implicit GEMM, channels × taps or
// transposed, the transposed one reading its A straight from the image where whole panels cover
// the kernel rows (conv-backward-weight.ts).
//
// One cost model decides both orientations: tile lanes. The micro-kernel computes whole MR×NR
// tiles, so a product's rows and columns are rounded up to whole tiles, and the orientation that
// rounds up less wastes less work; each pass takes the transposed orientation where it saves at
// least its measured threshold (below), within what its buffers hold.

import { KC, MC, MR, NC, NR } from './gemm-blocking';
import { ConvGeometry } from './conv-geometry';

export const FORWARD_COLUMNS: i32 = 0;
export const FORWARD_POINTWISE: i32 = 1;
export const FORWARD_IMPLICIT: i32 = 2;
export const FORWARD_TRANSPOSED: i32 = 3;
export const INPUT_GRADIENT_COLUMNS: i32 = 0;
export const INPUT_GRADIENT_POINTWISE: i32 = 1;
export const INPUT_GRADIENT_ADJOINT: i32 = 2;
export const INPUT_GRADIENT_SCATTER: i32 = 3;
export const WEIGHT_GRADIENT_IMPLICIT: i32 = 0;
export const WEIGHT_GRADIENT_TRANSPOSED: i32 = 1;
export const WEIGHT_GRADIENT_IN_PLACE: i32 = 2;

// The weight gradient's chunks are at most this many (the partials' memory and their sum grow with
// it; 16 give 2-8 threads several chunks each, so a thread held off its core delays one chunk
// only), each with at least MIN_CHUNK_MACS multiply-adds (about 50 µs: waking a thread costs
// 20-40 µs), and all partials together at most MAX_PARTIAL_FLOATS (16 MiB). They depend on the
// geometry alone, never on the thread count, so the sum's bits do not either.
const MAX_CHUNKS: i32 = 16;
const MIN_CHUNK_MACS: i64 = 1 << 19;
const MAX_PARTIAL_FLOATS: i64 = 1 << 22;
const ALIGN: i32 = 64;

@inline function roundUp(n: i32, multiple: i32): i32 {
  return (n + multiple - 1) / multiple * multiple;
}

@inline function alignedBytes(floats: i32): i32 {
  return roundUp(floats << 2, ALIGN);
}

// Lanes of the MR×NR tiles that cover a product of `rows` × `columns`.
function tileLanes(rows: i32, columns: i32): i64 {
  return <i64>roundUp(rows, MR) * <i64>roundUp(columns, NR);
}

// Whether computing `channels` × `other` as other × channels wastes at least `gain` (num/den)
// times fewer tile lanes.
function transposedSaves(channels: i32, other: i32, num: i64, den: i64): bool {
  return den * tileLanes(channels, other) >= num * tileLanes(other, channels);
}

// Positions are many in a forward product (an image's area): they fill tiles either way, so only
// the channels' rounding counts, as with this many positions.
const MANY_POSITIONS: i32 = MR * NR;

/** Whether one group's packed weights fit the GEMM's A buffer, as the implicit forward keeps them there for the batch. */
function implicitForwardFits(og: i32, depth: i32): bool {
  return og <= MC && <i64>roundUp(og, MR) * <i64>depth <= <i64>(MC * KC);
}

// The forward in the positions × channels orientation needs every tile in one K block (its output
// is NCHW, so a tile cannot resume from it). Measured against channels × positions, both builds,
// batch 16-64: W5's layers (8 and 16 channels) 1.21-1.51x faster, 16 channels on 56x56
// 1.15-1.24x, 24 and 32 channels about even (0.93-1.18x, noisy); but 10 channels (two MR-row
// panels, or one 8-wide tile and a mostly empty one) 0.66-0.88x, 64 channels on 16x16 0.90x,
// 100 channels 0.70-0.82x (each tile reads all of the group's packed weights, which outgrow L1).
// Hence: at most 32 channels per group, and no more lanes wasted than MR-row panels would (gain 1).
function forwardTransposedPays(og: i32, depth: i32): bool {
  return depth <= KC && og <= 32 && transposedSaves(og, MANY_POSITIONS, 1, 1);
}

// The positions × channels forward tiles each output row with whole tiles read in place (stride
// 1, rows of at least MR), the last one moved back to the row's end, recomputing up to MR - 1
// positions per row, instead of tiles that wrap to the next row, packed first; both pay per row.
// Measured against the wrapping tiles (alternating medians, one thread, batch 32-64): W3's conv1
// (2 positions × 8 channels recomputed per row, 25 taps) 1.16-1.17x faster plain, 1.20-1.23x
// relaxed; conv2 (rows of 10: none) 1.01x; W4's 3x3 layers (3 × 32, 288 taps) 0.95-0.96x. Hence:
// at most one tile's lanes recomputed per row.
function forwardRowTilesPay(g: ConvGeometry): bool {
  const outW = g.outW;
  if (g.strideW != 1 || outW < MR || <i64>outW * NR > <i64>(MC * KC)) return false;
  return (roundUp(outW, MR) - outW) * roundUp(g.groupOutChannels, NR) <= MR * NR;
}

// The weight gradient as taps × channels: its result must fit the packed B buffer, through which
// it is transposed into place, and its A panels take more work to pack (MR taps, not a multiple of
// four). Measured against channels × taps (fwd+bwd kernel bench, noisy): W3's conv1 (8 channels,
// 25 taps: 1.6x fewer lanes) 1.11-1.24x faster, conv2 (16 channels, 200 taps: 1.25x)
// 0.88-0.97x, 32 channels and 288 taps (1.09x) 0.89-1.01x. Hence a gain of at least 1.5.
function weightGradientTransposedPays(og: i32, depth: i32): bool {
  return transposedSaves(og, depth, 3, 2) && <i64>og * <i64>depth <= <i64>(KC * NC);
}

/** Panels of MR taps that cover one kernel row in the in-place weight gradient (conv-backward-weight.ts). */
export function inPlaceRowPanels(kw: i32): i32 {
  return (kw + MR - 1) / MR;
}

// The weight gradient as taps × channels with its A read in place from the image: MR adjacent
// taps of one kernel row at one position are MR adjacent floats (unit column dilation), so no A
// panel is packed; each kernel row takes whole MR-tap panels (the last one overlapping the one
// before where kw > MR; reading MR - kw floats past the row where kw < MR, which the padded copy's
// slack makes safe); its K blocks are whole output rows. It pays where it wastes no more tile
// lanes than the better of the other two orientations (gain 1), as it packs nothing but gradOut.
// Measured (plain build, batch 64, one thread, alternating medians): W3's conv1 (as many lanes as
// the packed taps × channels) 1.56-1.62x faster, relaxed build 1.66-1.67x; conv2 (0.8x the lanes
// of channels × taps) 1.34-1.38x, but in the relaxed build (1.07x the lanes) even, 0.99-1.01x.
function inPlaceWeightGradientPays(g: ConvGeometry): bool {
  const kw = g.kernelW;
  if (g.dilationW != 1 || (kw < MR && !g.readsCopy) || g.outW > KC) return false;
  const og = g.groupOutChannels;
  const depth = g.depth;
  const rowTaps = g.groupChannels * g.kernelH * inPlaceRowPanels(kw) * MR;
  if (og > NC || <i64>roundUp(og, NR) * <i64>rowTaps > <i64>(MC * KC)) return false;
  const packed = min(tileLanes(og, depth), tileLanes(depth, og));
  return tileLanes(rowTaps, og) <= packed;
}

// The input gradient as the adjoint convolution (stride 1 only: a stride would leave holes) reads
// gradOut with dilation·(kernel − 1) − padding of zero padding on each side, whose products are
// wasted work: it pays where that border is thin against the image, as it writes no column
// matrix and scatters nothing back (col2im). Its flipped weights must fit the A buffer, as the
// forward's. Measured against GEMM + col2im (plain build, batch 32-64, one thread, noisy): W4's
// 3x3 'same' layers (as many multiply-adds) 1.03-1.25x faster; 8 -> 16 channels 5x5 on 14x14
// with padding 2 (as many) 1.7x, padding 1 (1.36x as many) 0.95x, no padding (1.96x) 0.91x.
// Against the scatter path (below), which also scatters nothing back and does the GEMM's
// multiply-adds: as many, 3x3 1.15-1.3x faster (W4's layers 1.15x, 64 channels on 8x8 1.2x,
// 8 -> 8 channels on 28x28 1.3x), 5x5 with padding 2 0.95x; 3x3 unpadded on 30x30 (1.14x as many)
// 0.99x; 5x5 padding 1 on 20x20 (1.23x) 0.57-0.73x; W3's conv2 (1.96x) 0.46x. Hence: at most 5/4
// of the GEMM's multiply-adds against GEMM + col2im, 11/10 against the scatter path.
function adjointInputGradientPays(g: ConvGeometry, scatter: bool): bool {
  if (g.strideH != 1 || g.strideW != 1 || adjointPadTop(g) < 0 || adjointPadLeft(g) < 0) return false;
  if (!implicitForwardFits(g.groupChannels, g.groupOutChannels * g.kernelH * g.kernelW)) return false;
  const num: i64 = scatter ? 11 : 5;
  const den: i64 = scatter ? 10 : 4;
  return den * <i64>g.height * <i64>g.width <= num * <i64>g.area;
}

// The input gradient as the columns path's GEMM with col2im folded into its tiles
// (conv-backward-input-scatter.ts) moves a tile's columns one tap right by one gradient position,
// so the horizontal dilation must be 1; it keeps an image's gradOut and all the weights packed,
// so they must fit the A and B buffers. Its tiles are output positions of one row × channels of
// one tap, so a row rounds up to MR and the channels to NR, where the columns path's GEMM rounds
// taps and positions; it skips col2im, whose adds (one per column-matrix element, read-modify-
// writes of overlapping unaligned runs) cost about COL2IM_ADD_LANES multiply-add lanes each.
// Measured against GEMM + col2im (plain build, batch 32-64, one thread, noisy; in parentheses
// the scatter path's tile lanes over the columns GEMM's): W3's conv2 (8 -> 16 channels 5x5 on
// 14x14, 0.96x) 1.82x faster, relaxed 1.62x; 6 -> 16 channels (1.28x) 1.18-1.45x, 5 ->
// 16 (1.54x) 1.12x, 4 -> 16 (1.92x) 0.97x, 3 -> 16 on 32x32 (2.86x) 0.39-0.49x, 1 -> 8 on 28x28
// (8x) 0.19x; 12 -> 32 channels 3x3 on 16x16 (1.37x, but half as many adds per lane as with 16
// output channels) 0.88x (these before the scatter path's last 1.06x). Those fit 9-12 lanes an
// add; hence 8, to stay on the safe side.
const COL2IM_ADD_LANES: i64 = 8;

function scatterInputGradientPays(g: ConvGeometry): bool {
  const og = <i64>g.groupOutChannels;
  if (g.dilationW != 1) return false;
  if (<i64>roundUp(g.outW, MR) * <i64>scatterRowSlots(g) * og > <i64>(MC * KC)) return false;
  const taps = <i64>g.kernelH * <i64>g.kernelW;
  if (<i64>g.kernelW * <i64>scatterKernelSlots(g) * <i64>scatterChannels(g) * og > <i64>(KC * NC)) return false;
  const scatterLanes = <i64>g.outH * <i64>roundUp(g.outW, MR) * taps * <i64>scatterChannels(g) * og;
  const columnsLanes = tileLanes(g.depth, g.area) * og + COL2IM_ADD_LANES * <i64>g.depth * <i64>g.area;
  return scatterLanes <= columnsLanes;
}

export function gcd(a: i32, b: i32): i32 {
  while (b != 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** Slots of the scatter path's packed gradOut per panel: its output rows, each class (mod dilationH / gcd(strideH, dilationH)) as long as the longest. */
export function scatterRowSlots(g: ConvGeometry): i32 {
  const step = g.dilationH / gcd(g.strideH, g.dilationH);
  return step * ((g.outH + step - 1) / step);
}

/** Slots of its packed weights per panel: the kernel rows, each class (mod strideH / gcd(strideH, dilationH)) as long as the longest. */
export function scatterKernelSlots(g: ConvGeometry): i32 {
  const step = g.strideH / gcd(g.strideH, g.dilationH);
  return step * ((g.kernelH + step - 1) / step);
}

/** Channels per position of the scatter path's channels-last gradient: the group's, in whole NR-wide panels. */
export function scatterChannels(g: ConvGeometry): i32 {
  return roundUp(g.groupChannels, NR);
}

/** Positions per row of that gradient: as far as an output row in whole MR-row panels reaches. */
export function scatterRowPositions(g: ConvGeometry): i32 {
  return paddedSpan(roundUp(g.outW, MR), g.kernelW, g.strideW, 1);
}

/** The adjoint convolution's top and left padding (conv-backward-input.ts). */
export function adjointPadTop(g: ConvGeometry): i32 {
  return g.dilationH * (g.kernelH - 1) - g.padTop;
}

export function adjointPadLeft(g: ConvGeometry): i32 {
  return g.dilationW * (g.kernelW - 1) - g.padLeft;
}

/** Bytes at the start of an adjoint input gradient's scratch that hold its own geometry. */
export const ADJOINT_GEOMETRY_BYTES: i32 = roundUp(<i32>offsetof<ConvGeometry>(), ALIGN);

/** Bytes after those that hold the flipped weights. */
export function flippedWeightBytes(g: ConvGeometry): i32 {
  return alignedBytes(g.outChannels * g.depth);
}

// Rows or columns of the padded image a convolution reads: the padding that matters, and no more.
function paddedSpan(outSize: i32, kernel: i32, stride: i32, dilation: i32): i32 {
  return (outSize - 1) * stride + (kernel - 1) * dilation + 1;
}

function weightGradientImages(g: ConvGeometry): i32 {
  const batch = g.batch;
  if (batch <= 1) return 1;
  const weightFloats = <i64>g.outChannels * <i64>g.depth;
  const imageMacs = weightFloats * <i64>g.area;
  const chunks = min(min(<i64>MAX_CHUNKS, <i64>batch), min(<i64>batch * imageMacs / MIN_CHUNK_MACS, 1 + MAX_PARTIAL_FLOATS / max(weightFloats, 1)));
  if (chunks <= 1) return batch;
  return (batch + <i32>chunks - 1) / <i32>chunks;
}

/** Bytes at the start of a weight-gradient chunk's scratch that hold its partial gradient (when there are several chunks). */
export function partialGradientBytes(g: ConvGeometry): i32 {
  return alignedBytes(g.outChannels * g.depth);
}

/** Fills in g's plan from its geometry. */
export function planConv(g: ConvGeometry): void {
  const og = g.groupOutChannels;
  const depth = g.depth;
  const columns = g.pointwise ? 0 : depth * g.area;

  g.spanRows = paddedSpan(g.outH, g.kernelH, g.strideH, g.dilationH);
  g.spanColumns = paddedSpan(g.outW, g.kernelW, g.strideW, g.dilationW);
  g.readsCopy = g.padTop > 0 || g.padLeft > 0 || g.spanRows > g.height || g.spanColumns > g.width;
  g.readRowStride = g.readsCopy ? g.spanColumns : g.width;
  g.readPlaneStride = g.readsCopy ? g.spanRows * g.spanColumns : g.height * g.width;
  const padded = g.readsCopy ? g.groupChannels * g.spanRows * g.spanColumns : 0;

  if (implicitForwardFits(og, depth)) {
    g.forwardPath = forwardTransposedPays(og, depth) ? FORWARD_TRANSPOSED : FORWARD_IMPLICIT;
    g.forwardRowTiles = g.forwardPath == FORWARD_TRANSPOSED && forwardRowTilesPay(g);
    g.forwardScratchBytes = alignedBytes(padded);
  } else {
    g.forwardPath = g.pointwise ? FORWARD_POINTWISE : FORWARD_COLUMNS;
    g.forwardRowTiles = false;
    g.forwardScratchBytes = alignedBytes(columns);
  }

  if (g.pointwise) {
    g.inputGradientPath = INPUT_GRADIENT_POINTWISE;
    g.inputGradientScratchBytes = 0;
  } else if (adjointInputGradientPays(g, scatterInputGradientPays(g))) {
    // The adjoint reads groups of gradOut (its channels: og), at most this much of them padded.
    const rows = paddedSpan(g.height, g.kernelH, 1, g.dilationH);
    const columnsRead = paddedSpan(g.width, g.kernelW, 1, g.dilationW);
    g.inputGradientPath = INPUT_GRADIENT_ADJOINT;
    g.inputGradientScratchBytes = ADJOINT_GEOMETRY_BYTES + flippedWeightBytes(g) + alignedBytes(og * rows * columnsRead);
  } else if (scatterInputGradientPays(g)) {
    g.inputGradientPath = INPUT_GRADIENT_SCATTER;
    g.inputGradientScratchBytes = alignedBytes(g.spanRows * scatterRowPositions(g) * scatterChannels(g));
  } else {
    g.inputGradientPath = INPUT_GRADIENT_COLUMNS;
    g.inputGradientScratchBytes = alignedBytes(columns);
  }

  if (inPlaceWeightGradientPays(g)) g.weightGradientPath = WEIGHT_GRADIENT_IN_PLACE;
  else g.weightGradientPath = weightGradientTransposedPays(og, depth) ? WEIGHT_GRADIENT_TRANSPOSED : WEIGHT_GRADIENT_IMPLICIT;
  g.weightGradientImages = weightGradientImages(g);
  const partial = g.weightGradientImages >= g.batch ? 0 : partialGradientBytes(g);
  const slack = g.readsCopy && g.weightGradientPath == WEIGHT_GRADIENT_IN_PLACE ? MR : 0;
  g.weightGradientScratchBytes = partial + alignedBytes(padded + slack);
}
