import { beforeAll, describe, expect, it } from 'vitest';
import { backend, kernels } from '../../src/backend/backend.js';
import { convPlan, writeConvGeometry, type ConvPlan, type KernelConvGeometry } from '../../src/backend/conv-geometry.js';
import { init, kernelBuild } from '../../src/index.js';
import { naiveConv2d, naiveConv2dInputGradient, naiveConv2dWeightGradient } from '../helpers/naive-conv.js';

// conv2dForward(input, weight, bias, out, scratch, geometry, relu), the geometry written into
// linear memory as src/backend/conv-geometry.ts does and the scratch as long as
// conv2dForwardScratchBytes(geometry) says, called directly: the ReLU flag is not reachable
// through F.conv2d, and every shape below is chosen for the path it takes. The kernel picks one of two orientations per call (assembly/conv-forward.ts):
// positions × channels for 7-8, 13-16, 19-24 and 31-32 output channels per group (6-8 too
// where MR = 5, the plain SIMD build: the `src` project), at most 512 taps; channels × positions
// otherwise. Both pack or read straight from the image: whole runs, runs wrapping to the next
// output row, gathered lanes, padding made real; the first also partial tiles at an image's last
// positions and channel tiles wider than the group; the second several K or N blocks. With stride
// 1 and output rows of at least MR positions where that recomputes little (the plan's
// forwardRowTiles), the first tiles each row in place (the last tile moved back to the row's end)
// and writes it through a staging row: W5's layers, rows of 6-12, one to three channel tiles, 7
// channels (a partial one). The im2col path takes weights too big to keep packed.
// conv2dBackwardWeight(input, gradOut, gradWeight, scratch, geometry) runs on the same shapes and a
// few more: its B panels are eight taps wide (depth not a multiple of 8 leaves a partial panel)
// and take four positions of one output row at a time with stride 1 (an area or output row not a
// multiple of 4 leaves single positions, some wrapping to the next row). Where that wastes far
// more tile lanes, it computes the transposed product (taps × channels; A panels of MR taps):
// 8 channels per group with 4, 9 or 18 taps and 'dilation 2 with padding [2, 1]'; with MR = 6
// (relaxed) also the other 7- and 8-channel cases, including 150 taps (two blocks of taps) over
// 600 positions (two K blocks). Where whole MR-tap panels cover the kernel rows as well, the
// transposed product reads its A straight from the image ('in-place': the 8-channel 5x5 layers,
// W3's second layer where MR = 5, and the cases after the chunked ones below): kernel rows longer
// than MR (the last panel overlapping the one before), shorter (panels reading past the row), row
// dilation, stride, groups, 7 or 16 channels, two K blocks of output rows.
interface Geometry {
  name: string;
  input: [number, number, number, number];
  weight: [number, number, number, number];
  stride?: [number, number];
  /** [top, bottom, left, right] */
  padding?: [number, number, number, number];
  dilation?: [number, number];
  groups?: number;
}

const GEOMETRIES: Geometry[] = [
  { name: "W5's first layer (padding 2, output rows of 28)", input: [2, 1, 28, 28], weight: [8, 1, 5, 5], padding: [2, 2, 2, 2] },
  { name: "W5's second layer (8 channels, output rows of 10)", input: [2, 8, 14, 14], weight: [16, 8, 5, 5] },
  // Positions × channels.
  { name: '8 channels, stride 2 with padding 1 (gathered lanes)', input: [2, 3, 9, 11], weight: [8, 3, 3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: '8 channels, stride [1, 2]', input: [1, 2, 9, 21], weight: [8, 2, 3, 2], stride: [1, 2], padding: [1, 1, 0, 0] },
  { name: '16 channels, output rows of 3 (a tile spans three rows)', input: [2, 3, 6, 5], weight: [16, 3, 3, 3] },
  { name: '8 channels, 1x1 with padding 1 (output rows as wide as the padded image: wrapping tiles are runs)', input: [1, 4, 5, 6], weight: [8, 4, 1, 1], padding: [1, 1, 1, 1] },
  { name: '8 channels, 1x1 with padding 1, output rows of 4 (shorter than a tile; wrapping tiles are runs)', input: [1, 4, 5, 2], weight: [8, 4, 1, 1], padding: [1, 1, 1, 1] },
  { name: '24 channels (three channel tiles), padding only at the bottom and right', input: [2, 3, 9, 10], weight: [24, 3, 2, 4], padding: [0, 1, 1, 2] },
  { name: '32 channels, 512 taps (one K block exactly)', input: [1, 32, 7, 9], weight: [32, 32, 4, 4] },
  { name: 'groups 2 of 8 channels with padding 1', input: [2, 4, 10, 9], weight: [16, 2, 3, 3], groups: 2, padding: [1, 1, 1, 1] },
  { name: '8 channels per input channel (groups 2, one input channel each)', input: [1, 2, 7, 8], weight: [16, 1, 3, 3], groups: 2, padding: [1, 1, 1, 1] },
  { name: '7 channels (a channel tile wider than the group), dilation 2', input: [2, 3, 11, 12], weight: [7, 3, 3, 3], dilation: [2, 2], padding: [1, 1, 2, 2] },
  // Channels × positions.
  { name: 'stride 2 with padding 1 (gathered lanes)', input: [2, 3, 9, 11], weight: [5, 3, 3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: 'stride [1, 2]', input: [1, 2, 9, 21], weight: [3, 2, 3, 2], stride: [1, 2], padding: [1, 1, 0, 0] },
  { name: 'dilation 2 with padding [2, 1]', input: [1, 2, 12, 13], weight: [7, 2, 3, 3], dilation: [2, 2], padding: [2, 2, 1, 1] },
  { name: 'padding only at the bottom and right', input: [1, 2, 9, 10], weight: [3, 2, 2, 4], padding: [0, 1, 1, 2] },
  { name: 'output rows shorter than a panel', input: [2, 3, 6, 5], weight: [4, 3, 3, 3] },
  { name: 'groups 2 with padding 1', input: [2, 4, 10, 9], weight: [6, 2, 3, 3], groups: 2, padding: [1, 1, 1, 1] },
  { name: 'depthwise', input: [2, 3, 8, 9], weight: [3, 1, 3, 3], groups: 3, padding: [1, 1, 1, 1] },
  { name: '1x1 pointwise (the input is the column matrix)', input: [2, 6, 5, 7], weight: [9, 6, 1, 1] },
  { name: '1x1 pointwise with groups 2', input: [2, 4, 3, 5], weight: [6, 2, 1, 1], groups: 2 },
  { name: 'more taps than one K block (576)', input: [1, 64, 6, 7], weight: [10, 64, 3, 3], padding: [1, 1, 1, 1] },
  { name: 'more positions than one N block (1640)', input: [1, 2, 40, 41], weight: [3, 2, 3, 3], padding: [1, 1, 1, 1] },
  { name: 'more output channels than one A block (im2col path)', input: [1, 2, 6, 6], weight: [130, 2, 3, 3], padding: [1, 1, 1, 1] },
  { name: '1x1 with more output channels than one A block (the GEMM straight on the input)', input: [2, 8, 4, 5], weight: [130, 8, 1, 1] },
];

const GUARD = 16;

beforeAll(async () => {
  await init();
});

function wave(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 1.5);
}

function outputSize(g: Geometry): [number, number] {
  const [, , h, w] = g.input;
  const [, , kh, kw] = g.weight;
  const [sh, sw] = g.stride ?? [1, 1];
  const [top, bottom, left, right] = g.padding ?? [0, 0, 0, 0];
  const [dh, dw] = g.dilation ?? [1, 1];
  return [Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1, Math.floor((w + left + right - dw * (kw - 1) - 1) / sw) + 1];
}

function kernelGeometry(g: Geometry): KernelConvGeometry {
  const [batch, channels, height, width] = g.input;
  const [outChannels, , kernelH, kernelW] = g.weight;
  const [outH, outW] = outputSize(g);
  const [strideH, strideW] = g.stride ?? [1, 1];
  const [padTop, , padLeft] = g.padding ?? [0, 0, 0, 0];
  const [dilationH, dilationW] = g.dilation ?? [1, 1];
  return { batch, channels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups: g.groups ?? 1, outH, outW };
}

// The geometry written into linear memory and planned, as src/backend/conv-geometry.ts does (freed by the caller).
function writeGeometry(g: Geometry): number {
  const ptr = backend().allocator.alloc(kernels().convGeometryBytes!());
  writeConvGeometry(kernelGeometry(g), ptr);
  return ptr;
}

/** Runs the kernel on copies of the operands; returns the output and the guard cells after out and the scratch. */
function runConv(g: Geometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean): { out: Float32Array; guards: number[] } {
  const { allocator } = backend();
  const [outH, outW] = outputSize(g);
  const n = g.input[0];
  const o = g.weight[0];
  const outFloats = n * o * outH * outW;
  const geometry = writeGeometry(g);
  const colFloats = kernels().conv2dForwardScratchBytes!(geometry) / 4;
  const px = allocator.alloc(4 * x.length);
  const pw = allocator.alloc(4 * w.length);
  const pb = bias ? allocator.alloc(4 * bias.length) : 0;
  const pout = allocator.alloc(4 * (outFloats + GUARD));
  const pcol = colFloats ? allocator.alloc(4 * (colFloats + GUARD)) : 0;
  try {
    const memory = allocator.f32();
    memory.set(x, px >>> 2);
    memory.set(w, pw >>> 2);
    if (bias) memory.set(bias, pb >>> 2);
    memory.fill(NaN, pout >>> 2, (pout >>> 2) + outFloats);
    memory.fill(-7777, (pout >>> 2) + outFloats, (pout >>> 2) + outFloats + GUARD);
    if (pcol) memory.fill(-7777, (pcol >>> 2) + colFloats, (pcol >>> 2) + colFloats + GUARD);
    kernels().conv2dForward!(px, pw, pb, pout, pcol, geometry, +relu);
    const after = allocator.f32();
    const guards = Array.from(after.slice((pout >>> 2) + outFloats, (pout >>> 2) + outFloats + GUARD));
    if (pcol) guards.push(...after.slice((pcol >>> 2) + colFloats, (pcol >>> 2) + colFloats + GUARD));
    return { out: after.slice(pout >>> 2, (pout >>> 2) + outFloats), guards };
  } finally {
    for (const p of [px, pw, pb, pout, pcol, geometry]) if (p) allocator.free(p);
  }
}

function reference(g: Geometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean): number[] {
  const { data } = naiveConv2d(x, g.input, w, g.weight, bias, { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups });
  return relu ? data.map((v) => (v < 0 ? 0 : v)) : data;
}

function worstError(got: Float32Array, want: number[]): number {
  const scale = Math.max(...want.map(Math.abs));
  return Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!))) / scale;
}

describe('the convolution plan', () => {
  // Chosen once per geometry (assembly/conv-plan.ts), the same in both builds for these: the
  // orientation that wastes fewer tile lanes where it saves enough, within what the buffers hold.
  const named = (start: string): Geometry => GEOMETRIES.find((g) => g.name.startsWith(start))!;
  // Except W5's second layer's weight gradient: 5 taps per kernel row fill MR = 5 panels (the plain
  // build) but not MR = 6, where channels × taps wastes fewer lanes.
  const fiveTapRows = (): ConvPlan['weightGradient'] => (kernelBuild() === 'relaxed-simd' ? 'implicit' : 'in-place');
  const cases: [string, ConvPlan['forward'], ConvPlan['inputGradient'], ConvPlan['weightGradient'] | (() => ConvPlan['weightGradient'])][] = [
    ["W5's first layer", 'transposed', 'adjoint', 'in-place'],
    ["W5's second layer", 'transposed', 'scatter', fiveTapRows],
    ['output rows shorter than a panel', 'implicit', 'columns', 'implicit'],
    ['1x1 pointwise (the input', 'implicit', 'pointwise', 'implicit'],
    ['more output channels than one A block', 'columns', 'adjoint', 'implicit'],
    ['groups 2 with padding 1', 'implicit', 'adjoint', 'implicit'],
    ['dilation 2 with padding [2, 1]', 'transposed', 'adjoint', 'transposed'],
    ['1x1 with more output channels than one A block', 'pointwise', 'pointwise', 'implicit'],
  ];
  for (const [name, forward, inputGradient, weightGradient] of cases) {
    it(`${name}: forward ${forward}, input gradient ${inputGradient}, weight gradient ${weightGradient}`, () => {
      const { weightGradientImages, forwardRowTiles, ...paths } = convPlan(kernelGeometry(named(name)));
      expect(paths).toEqual({ forward, inputGradient, weightGradient: typeof weightGradient === 'function' ? weightGradient() : weightGradient });
      expect(weightGradientImages).toBe(named(name).input[0]);
      expect(forwardRowTiles, 'row tiles belong to the transposed forward').toBe(forwardRowTiles && forward === 'transposed');
    });
  }

  // Where each output row takes whole tiles, recomputing at most one tile's lanes (MR × NR) per row.
  it('tiles each output row of the transposed forward in place where that recomputes little', () => {
    const rowTiles = (g: Geometry): boolean => convPlan(kernelGeometry(g)).forwardRowTiles;
    expect(rowTiles(named("W5's first layer"))).toBe(true);
    expect(rowTiles(named("W5's second layer"))).toBe(true);
    expect(rowTiles(named('7 channels'))).toBe(true);
    expect(rowTiles(named('16 channels, output rows of 3'))).toBe(false);
    expect(rowTiles(named('8 channels, 1x1 with padding 1, output rows of 4'))).toBe(false);
    expect(rowTiles(named('8 channels, stride [1, 2]'))).toBe(false);
    // 32 channels on rows of 32: 3 or 4 positions recomputed per row, four channel tiles each.
    const w4 = { name: "W4's second layer", input: [32, 32, 32, 32], weight: [32, 32, 3, 3], padding: [1, 1, 1, 1] } satisfies Geometry;
    expect(convPlan(kernelGeometry(w4))).toMatchObject({ forward: 'transposed', forwardRowTiles: false });
  });
});

describe('conv2dForward kernel', () => {
  for (const g of GEOMETRIES) {
    for (const [withBias, relu] of [[false, false], [true, false], [false, true], [true, true]] as [boolean, boolean][]) {
      it(`${g.name}${withBias ? ', bias' : ''}${relu ? ', ReLU' : ''}: matches a naive loop`, () => {
        const x = wave(g.input.reduce((a, b) => a * b), 0.1);
        const w = wave(g.weight.reduce((a, b) => a * b), 0.7);
        const bias = withBias ? wave(g.weight[0], 2.3) : null;
        const { out, guards } = runConv(g, x, w, bias, relu);
        const want = reference(g, x, w, bias, relu);
        expect(worstError(out, want)).toBeLessThan(1e-5);
        if (relu) expect(reference(g, x, w, bias, false).some((v) => v < 0), 'the ReLU has something to clamp').toBe(true);
        expect(guards, 'wrote past the end of the output or the scratch').toEqual(new Array(guards.length).fill(-7777));
      });
    }
  }

  // PyTorch: relu(nan) = nan. A NaN pixel spoils the outputs whose window covers it, in every path.
  const named = (start: string): Geometry => GEOMETRIES.find((g) => g.name.startsWith(start))!;
  const nanCases = [GEOMETRIES[0]!, named('8 channels, stride 2'), named('7 channels'), named('stride 2 with padding 1'), named('more output channels than one A block')];
  for (const g of nanCases) {
    it(`${g.name}: a NaN input stays NaN through bias and ReLU`, () => {
      const x = wave(g.input.reduce((a, b) => a * b), 0.1);
      x[x.length >> 1] = NaN;
      const w = wave(g.weight.reduce((a, b) => a * b), 0.7);
      const bias = wave(g.weight[0], 2.3);
      const { out } = runConv(g, x, w, bias, true);
      const want = reference(g, x, w, bias, true);
      expect(want.some(Number.isNaN)).toBe(true);
      expect(Array.from(out, Number.isNaN)).toEqual(want.map(Number.isNaN));
      const finite = want.map((v, i) => (Number.isNaN(v) ? 0 : Math.abs(out[i]! - v)));
      expect(Math.max(...finite)).toBeLessThan(1e-5 * Math.max(...want.filter((v) => !Number.isNaN(v)).map(Math.abs)));
    });
  }
});

const WEIGHT_GRADIENT_GEOMETRIES: Geometry[] = [
  ...GEOMETRIES,
  { name: 'area 25, depth 27 (partial panels and single positions)', input: [2, 3, 7, 7], weight: [5, 3, 3, 3] },
  { name: 'output rows of 6 (two single positions per row), depth 2', input: [3, 2, 4, 6], weight: [4, 2, 1, 1], padding: [0, 1, 0, 0] },
  { name: 'stride 2, dilation 2, groups 3, padding [1, 0, 2, 1]', input: [2, 6, 13, 14], weight: [9, 2, 3, 2], stride: [2, 2], dilation: [2, 2], groups: 3, padding: [1, 0, 2, 1] },
  { name: 'one output position', input: [2, 3, 3, 3], weight: [4, 3, 3, 3] },
  // Batches summed in chunks (conv2dBackwardWeightImages): each chunk's sum is a product of its own,
  // added to the others in chunk order.
  { name: "W3's second layer, padding 1, over 23 images (12 chunks of 2, the last of 1; partial and padded image in one scratch)", input: [23, 8, 14, 14], weight: [16, 8, 5, 5], padding: [1, 1, 1, 1] },
  { name: "W3's first layer over 41 images (the transposed product, 11 chunks of 4, the last of 1)", input: [41, 1, 28, 28], weight: [8, 1, 5, 5], padding: [2, 2, 2, 2] },
  { name: '1x1 over 12 images (12 chunks of 1: a partial and no padded image)', input: [12, 64, 8, 8], weight: [128, 64, 1, 1] },
  { name: '8 channels, 25 taps, stride 2 with padding 2 (output rows of 6)', input: [2, 1, 13, 11], weight: [8, 1, 5, 5], stride: [2, 2], padding: [2, 2, 2, 2] },
  { name: '8 channels, 150 taps over 600 positions', input: [1, 6, 30, 20], weight: [8, 6, 5, 5], padding: [2, 2, 2, 2] },
  // The transposed product read in place.
  { name: '1x9 kernel rows (the last panel overlaps the one before), padding 4 left and right', input: [2, 1, 6, 20], weight: [8, 1, 1, 9], padding: [0, 0, 4, 4] },
  { name: '1x7 kernel rows, groups 2 of 16 channels, stride [2, 1], one image, no padding', input: [1, 2, 7, 19], weight: [32, 1, 1, 7], groups: 2, stride: [2, 1] },
  { name: '4x4 kernel (panels read past each kernel row), asymmetric padding, 3 images', input: [3, 1, 9, 8], weight: [8, 1, 4, 4], padding: [1, 2, 2, 1] },
  { name: '7 channels, 5x5 with row dilation 2 and padding 2', input: [2, 2, 11, 10], weight: [7, 2, 5, 5], dilation: [2, 1], padding: [2, 2, 2, 2] },
];

/** Runs the kernel on a NaN-filled gradient buffer; returns the gradient and the guard cells after it and the scratch. */
function runBackwardWeight(g: Geometry, x: Float32Array, gradOut: Float32Array): { grad: Float32Array; guards: number[] } {
  const { allocator } = backend();
  const gradFloats = g.weight.reduce((a, b) => a * b);
  const geometry = writeGeometry(g);
  const colFloats = kernels().conv2dBackwardWeightScratchBytes!(geometry) / 4;
  const px = allocator.alloc(4 * x.length);
  const pg = allocator.alloc(4 * gradOut.length);
  const pw = allocator.alloc(4 * (gradFloats + GUARD));
  const pcol = colFloats ? allocator.alloc(4 * (colFloats + GUARD)) : 0;
  try {
    const memory = allocator.f32();
    memory.set(x, px >>> 2);
    memory.set(gradOut, pg >>> 2);
    memory.fill(NaN, pw >>> 2, (pw >>> 2) + gradFloats);
    memory.fill(-7777, (pw >>> 2) + gradFloats, (pw >>> 2) + gradFloats + GUARD);
    if (pcol) memory.fill(-7777, (pcol >>> 2) + colFloats, (pcol >>> 2) + colFloats + GUARD);
    kernels().conv2dBackwardWeight!(px, pg, pw, pcol, geometry);
    const after = allocator.f32();
    const guards = Array.from(after.slice((pw >>> 2) + gradFloats, (pw >>> 2) + gradFloats + GUARD));
    if (pcol) guards.push(...after.slice((pcol >>> 2) + colFloats, (pcol >>> 2) + colFloats + GUARD));
    return { grad: after.slice(pw >>> 2, (pw >>> 2) + gradFloats), guards };
  } finally {
    for (const p of [px, pg, pw, pcol, geometry]) if (p) allocator.free(p);
  }
}

describe('conv2dBackwardWeight kernel', () => {
  // The chunks depend on the geometry alone (never on the thread count): at most 16, each of at
  // least 2^19 multiply-adds, so a small problem stays one chunk.
  it('sums over the batch in chunks of images fixed by the geometry', () => {
    const imagesPerChunk = (g: Geometry): number => convPlan(kernelGeometry(g)).weightGradientImages;
    const named = (start: string): Geometry => WEIGHT_GRADIENT_GEOMETRIES.find((g) => g.name.startsWith(start))!;
    expect(imagesPerChunk(named("W3's second layer, padding 1"))).toBe(2);
    expect(imagesPerChunk(named("W3's first layer over 41"))).toBe(4);
    expect(imagesPerChunk(named('1x1 over 12'))).toBe(1);
    expect(imagesPerChunk({ name: "W3's first layer", input: [64, 1, 28, 28], weight: [8, 1, 5, 5], padding: [2, 2, 2, 2] })).toBe(4);
    expect(imagesPerChunk({ name: "W4's second layer", input: [32, 32, 32, 32], weight: [32, 32, 3, 3], padding: [1, 1, 1, 1] })).toBe(2);
    expect(imagesPerChunk(named("W5's second layer"))).toBe(2);
    expect(imagesPerChunk(named('depthwise'))).toBe(2);
  });

  it('reads the transposed product in place where whole panels cover the kernel rows', () => {
    const relaxed = kernelBuild() === 'relaxed-simd';
    const path = (start: string): ConvPlan['weightGradient'] => convPlan(kernelGeometry(WEIGHT_GRADIENT_GEOMETRIES.find((g) => g.name.startsWith(start))!)).weightGradient;
    expect(path("W3's first layer over 41")).toBe('in-place');
    expect(path('1x9 kernel rows')).toBe('in-place');
    expect(path('7 channels, 5x5 with row dilation 2')).toBe(relaxed ? 'transposed' : 'in-place');
    expect(path('1x7 kernel rows')).toBe(relaxed ? 'implicit' : 'in-place');
    expect(path('4x4 kernel')).toBe(relaxed ? 'implicit' : 'in-place');
    // Column dilation spreads a kernel row's taps; 3x3 rows fill a third of a panel or less.
    expect(path('dilation 2 with padding [2, 1]')).toBe('transposed');
    expect(convPlan(kernelGeometry({ name: "W4's second layer", input: [32, 32, 32, 32], weight: [32, 32, 3, 3], padding: [1, 1, 1, 1] })).weightGradient).toBe('implicit');
  });

  for (const g of WEIGHT_GRADIENT_GEOMETRIES) {
    it(`${g.name}: matches a naive loop`, () => {
      const [outH, outW] = outputSize(g);
      const x = wave(g.input.reduce((a, b) => a * b), 0.1);
      const gradOut = wave(g.input[0] * g.weight[0] * outH * outW, 1.9);
      const { grad, guards } = runBackwardWeight(g, x, gradOut);
      const want = naiveConv2dWeightGradient(x, g.input, gradOut, g.weight, { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups });
      // Each weight sums hundreds of products that largely cancel: float32 rounding alone reaches
      // 1.5e-5 of the largest (the im2col path's result is bit-identical), hence the project's bar.
      expect(worstError(grad, want)).toBeLessThan(1e-4);
      expect(guards, 'wrote past the end of the gradient or the scratch').toEqual(new Array(guards.length).fill(-7777));
    });
  }
});

// conv2dBackwardInput(gradOut, weight, gradInput, scratch, geometry): with stride 1 and a thin
// padding border, the forward's implicit GEMM on gradOut with the weights flipped ('adjoint':
// padding, dilation, groups, asymmetric padding, both orientations of the forward); else, where
// the channels fill tiles well enough, the GEMM adding its tiles into a channels-last gradient
// ('scatter': vertical strides and dilation, so that the kernel rows or output rows of one product
// are every second or third, groups, padding, rows and columns no window reaches, output rows
// shorter than a tile or not a multiple of it, channels not a multiple of 8); else a
// GEMM and col2im (horizontal strides, few channels), or the GEMM straight into the gradient (1x1).
function runBackwardInput(g: Geometry, gradOut: Float32Array, w: Float32Array): { grad: Float32Array; guards: number[] } {
  const { allocator } = backend();
  const gradFloats = g.input.reduce((a, b) => a * b);
  const geometry = writeGeometry(g);
  const scratchFloats = kernels().conv2dBackwardInputScratchBytes!(geometry) / 4;
  const pg = allocator.alloc(4 * gradOut.length);
  const pw = allocator.alloc(4 * w.length);
  const px = allocator.alloc(4 * (gradFloats + GUARD));
  const pscratch = scratchFloats ? allocator.alloc(4 * (scratchFloats + GUARD)) : 0;
  try {
    const memory = allocator.f32();
    memory.set(gradOut, pg >>> 2);
    memory.set(w, pw >>> 2);
    memory.fill(NaN, px >>> 2, (px >>> 2) + gradFloats);
    memory.fill(-7777, (px >>> 2) + gradFloats, (px >>> 2) + gradFloats + GUARD);
    if (pscratch) memory.fill(-7777, (pscratch >>> 2) + scratchFloats, (pscratch >>> 2) + scratchFloats + GUARD);
    kernels().conv2dBackwardInput!(pg, pw, px, pscratch, geometry);
    const after = allocator.f32();
    const guards = Array.from(after.slice((px >>> 2) + gradFloats, (px >>> 2) + gradFloats + GUARD));
    if (pscratch) guards.push(...after.slice((pscratch >>> 2) + scratchFloats, (pscratch >>> 2) + scratchFloats + GUARD));
    return { grad: after.slice(px >>> 2, (px >>> 2) + gradFloats), guards };
  } finally {
    for (const p of [pg, pw, px, pscratch, geometry]) if (p) allocator.free(p);
  }
}

const INPUT_GRADIENT_GEOMETRIES: Geometry[] = [
  ...GEOMETRIES,
  { name: "W4's second layer (3x3, padding 1, 32 channels)", input: [2, 32, 12, 12], weight: [32, 32, 3, 3], padding: [1, 1, 1, 1] },
  { name: '3x3 padding 1 with more input channels than the adjoint keeps packed (scatter: 17 channel panels)', input: [1, 130, 5, 5], weight: [4, 130, 3, 3], padding: [1, 1, 1, 1] },
  { name: 'scatter: groups 2 of 8 channels, unpadded', input: [2, 16, 9, 12], weight: [8, 8, 3, 3], groups: 2 },
  { name: 'scatter: stride 2, rows and columns no window reaches', input: [2, 8, 20, 22], weight: [8, 8, 3, 3], stride: [2, 2] },
  { name: 'scatter: stride [2, 1] with padding [1, 2, 2, 1]', input: [1, 8, 9, 13], weight: [8, 8, 3, 4], stride: [2, 1], padding: [1, 2, 2, 1] },
  { name: 'scatter: dilation [2, 1] (every other output row in one product)', input: [1, 8, 12, 11], weight: [16, 8, 3, 3], dilation: [2, 1] },
  { name: 'scatter: stride [2, 1], dilation [3, 1] (every other kernel row, every third output row)', input: [2, 8, 17, 12], weight: [8, 8, 3, 3], stride: [2, 1], dilation: [3, 1] },
  { name: 'scatter: 14 channels (two channel panels, the second part empty), 6 output channels', input: [2, 14, 14, 14], weight: [6, 14, 5, 5] },
  { name: 'scatter: output rows of 3 (shorter than a tile)', input: [2, 16, 5, 5], weight: [16, 16, 3, 3] },
  { name: 'scatter: 40 output channels', input: [1, 8, 9, 12], weight: [40, 8, 3, 3] },
];

describe('conv2dBackwardInput kernel', () => {
  it('takes the adjoint path for stride 1 with a thin border, the scatter path where channels fill tiles, col2im otherwise', () => {
    const path = (g: Geometry): ConvPlan['inputGradient'] => convPlan(kernelGeometry(g)).inputGradient;
    const paths = INPUT_GRADIENT_GEOMETRIES.map(path);
    expect(paths.filter((p) => p === 'adjoint').length).toBeGreaterThan(5);
    expect(paths.filter((p) => p === 'columns').length).toBeGreaterThan(5);
    for (const g of INPUT_GRADIENT_GEOMETRIES.filter((g) => g.name.startsWith('scatter') || g.name.includes('(scatter'))) expect(path(g), g.name).toBe('scatter');
    expect(path(INPUT_GRADIENT_GEOMETRIES.find((g) => g.name.startsWith("W4's second layer"))!)).toBe('adjoint');
    // W3's second layer: 5x5 unpadded, 8 -> 16 channels on 14x14 (the adjoint would do 1.96x the multiply-adds).
    expect(path({ name: "W3's conv2", input: [64, 8, 14, 14], weight: [16, 8, 5, 5] })).toBe('scatter');
    // Three input channels fill a third of the scatter path's 8-wide channel tiles.
    expect(path({ name: 'RGB 5x5', input: [32, 3, 32, 32], weight: [16, 3, 5, 5] })).toBe('columns');
  });

  for (const g of INPUT_GRADIENT_GEOMETRIES) {
    it(`${g.name}: matches a naive loop`, () => {
      const [outH, outW] = outputSize(g);
      const w = wave(g.weight.reduce((a, b) => a * b), 0.7);
      const gradOut = wave(g.input[0] * g.weight[0] * outH * outW, 1.9);
      const { grad, guards } = runBackwardInput(g, gradOut, w);
      const want = naiveConv2dInputGradient(g.input, gradOut, w, g.weight, { stride: g.stride, padding: g.padding, dilation: g.dilation, groups: g.groups });
      expect(worstError(grad, want)).toBeLessThan(1e-5);
      expect(guards, 'wrote past the end of the gradient or the scratch').toEqual(new Array(guards.length).fill(-7777));
    });
  }
});
