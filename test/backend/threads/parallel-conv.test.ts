import { describe, expect, it, vi } from 'vitest';
import { naiveConv2dWeightGradient } from '../../helpers/naive-conv.js';

type Simdgrad = typeof import('simdgrad');

async function freshLibrary(threads: number): Promise<Simdgrad> {
  vi.resetModules();
  const sg = (await import('simdgrad')) as Simdgrad;
  await sg.init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', threads });
  return sg;
}

interface ConvCase {
  input: [number, number, number, number];
  weight: [number, number, number, number];
  options: { stride?: number; padding?: number; dilation?: number; groups?: number };
  bias: boolean;
  relu: boolean;
}

// Batches that 3 threads cut unevenly; both orientations of the implicit GEMM (few output channels:
// LeNet's 8; many: 40), an im2col case (more output channels than one A block), 1x1 (no column
// buffer), stride, dilation, padding and groups; with and without bias, and the fused ReLU. The
// weight gradient sums over the batch in chunks the geometry fixes: LeNet's layers cut 7 and 5
// images into 2 and 3 chunks (the last shorter), W4's second layer 9 images into 9 chunks (their
// sum split by element too), W4's first layer 16 into 8, the 130 channels 3 into 3; the others
// stay one chunk. The bias gradient splits by channel from 2^18 floats of gradOut: W4's first
// layer at batch 16.
const CASES: ConvCase[] = [
  { input: [7, 1, 28, 28], weight: [8, 1, 5, 5], options: { padding: 2 }, bias: true, relu: true },
  { input: [5, 8, 14, 14], weight: [16, 8, 5, 5], options: {}, bias: true, relu: false },
  { input: [9, 32, 16, 16], weight: [32, 32, 3, 3], options: { padding: 1 }, bias: true, relu: true },
  { input: [16, 3, 32, 32], weight: [16, 3, 3, 3], options: { padding: 1 }, bias: true, relu: false },
  { input: [4, 6, 12, 12], weight: [40, 6, 3, 3], options: { padding: 1, stride: 2 }, bias: false, relu: true },
  { input: [3, 4, 20, 20], weight: [130, 4, 3, 3], options: { dilation: 2 }, bias: true, relu: false },
  { input: [6, 16, 10, 10], weight: [24, 16, 1, 1], options: {}, bias: true, relu: false },
  { input: [5, 8, 16, 16], weight: [8, 2, 3, 3], options: { padding: 1, groups: 4 }, bias: true, relu: true },
];

const PARTS = ['output', 'inputGrad', 'weightGrad', 'biasGrad'] as const;
type Results = Record<(typeof PARTS)[number], Uint32Array>;

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = (state >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

const bits = (t: { toFloat32Array(): Float32Array }): Uint32Array => new Uint32Array(t.toFloat32Array().buffer);

// Every case's output, input, weight and bias gradient bits, through the public conv2d.
function convolveAll(sg: Simdgrad): Results[] {
  return CASES.map(({ input, weight, options, bias, relu }, index) =>
    sg.tidy(() => {
      const x = sg.tensor(values(input.reduce((a, b) => a * b), 2 * index + 1), input, { requiresGrad: true });
      const w = sg.tensor(values(weight.reduce((a, b) => a * b), 2 * index + 2), weight, { requiresGrad: true });
      const b = bias ? sg.tensor(values(weight[0], 7 * index + 3), [weight[0]], { requiresGrad: true }) : null;
      const conv = sg.F.conv2d(x, w, b, options);
      const y = relu ? sg.relu(conv) : conv;
      y.backward(sg.tensor(values(y.size, 11 * index + 5), y.shape));
      return { output: bits(y), inputGrad: bits(x.grad!), weightGrad: bits(w.grad!), biasGrad: b ? bits(b.grad!) : new Uint32Array(0) };
    }),
  );
}

// The weight and bias gradients in float64 from the conv2d upstream gradient (relu(y)'s gradient
// passed where y > 0), for the values.
function naiveParameterGradients(sg: Simdgrad, { input, weight, options, relu }: ConvCase, index: number): { weightGrad: number[]; biasGrad: number[] } {
  return sg.tidy(() => {
    const xs = values(input.reduce((a, b) => a * b), 2 * index + 1);
    const y = sg.F.conv2d(sg.tensor(xs, input), sg.tensor(values(weight.reduce((a, b) => a * b), 2 * index + 2), weight), CASES[index]!.bias ? sg.tensor(values(weight[0], 7 * index + 3), [weight[0]]) : null, options);
    const conv = y.toFloat32Array();
    const upstream = Array.from(values(y.size, 11 * index + 5), (g, i) => (relu && !(conv[i]! > 0) ? 0 : g));
    const pair = (v: number | undefined, fallback: number): [number, number] => [v ?? fallback, v ?? fallback];
    const padding = options.padding ?? 0;
    const weightGrad = naiveConv2dWeightGradient(xs, input, upstream, weight, { stride: pair(options.stride, 1), dilation: pair(options.dilation, 1), padding: [padding, padding, padding, padding], groups: options.groups });
    const [n, o, outH, outW] = y.shape as [number, number, number, number];
    const biasGrad = Array.from({ length: o }, (_, c) => {
      let total = 0;
      for (let b = 0; b < n; b++) for (let p = 0; p < outH * outW; p++) total += upstream[(b * o + c) * outH * outW + p]!;
      return total;
    });
    return { weightGrad, biasGrad };
  });
}

function worstError(got: Uint32Array, want: number[]): number {
  const floats = new Float32Array(got.buffer);
  const scale = Math.max(...want.map(Math.abs));
  return Math.max(...want.map((v, i) => Math.abs(floats[i]! - v))) / scale;
}

describe('parallel convolution', () => {
  it('gives every output and gradient bit for bit as one thread does, with 2 and 3 threads', async () => {
    const sg = await freshLibrary(1);
    const one = convolveAll(sg);
    CASES.forEach((convCase, i) => {
      const want = naiveParameterGradients(sg, convCase, i);
      expect({ ...convCase, weightGradError: worstError(one[i]!.weightGrad, want.weightGrad) < 1e-4 }).toEqual({ ...convCase, weightGradError: true });
      if (convCase.bias) expect({ ...convCase, biasGradError: worstError(one[i]!.biasGrad, want.biasGrad) < 1e-4 }).toEqual({ ...convCase, biasGradError: true });
    });
    for (const threads of [2, 3]) {
      const sg = await freshLibrary(threads);
      expect(sg.getNumThreads()).toBe(threads);
      const many = convolveAll(sg);
      CASES.forEach((convCase, i) => {
        for (const part of PARTS) {
          const differing = many[i]![part].findIndex((b, j) => b !== one[i]![part][j]);
          expect({ ...convCase, threads, part, differing }).toEqual({ ...convCase, threads, part, differing: -1 });
        }
      });
    }
  });

  // convTranspose2d runs the same kernels the other way round: its output is conv2dBackwardInput
  // (the adjoint path with stride 1, col2im with stride 2), its weight gradient
  // conv2dBackwardWeight with input and gradient swapped (12 images of 115k multiply-adds: 2 chunks).
  it('gives convTranspose2d outputs and gradients bit for bit as one thread does, with 3 threads', async () => {
    const transpose = (sg: Simdgrad): Uint32Array[] =>
      [1, 2].flatMap((stride) =>
        sg.tidy(() => {
          const x = sg.tensor(values(12 * 16 * 10 * 10, 41 + stride), [12, 16, 10, 10], { requiresGrad: true });
          const w = sg.tensor(values(16 * 8 * 3 * 3, 43 + stride), [16, 8, 3, 3], { requiresGrad: true });
          const b = sg.tensor(values(8, 47 + stride), [8], { requiresGrad: true });
          const y = sg.F.convTranspose2d(x, w, b, { stride, padding: 1 });
          y.backward(sg.tensor(values(y.size, 53 + stride), y.shape));
          return [bits(y), bits(x.grad!), bits(w.grad!), bits(b.grad!)];
        }),
      );
    const one = transpose(await freshLibrary(1));
    const many = transpose(await freshLibrary(3));
    many.forEach((part, i) => expect({ part: i, differing: part.findIndex((b, j) => b !== one[i]![j]) }).toEqual({ part: i, differing: -1 }));
  });
});
