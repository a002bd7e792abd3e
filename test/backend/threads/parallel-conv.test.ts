import { describe, expect, it, vi } from 'vitest';

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
// buffer), stride, dilation, padding and groups; with and without bias, and the fused ReLU.
const CASES: ConvCase[] = [
  { input: [7, 1, 28, 28], weight: [8, 1, 5, 5], options: { padding: 2 }, bias: true, relu: true },
  { input: [5, 8, 14, 14], weight: [16, 8, 5, 5], options: {}, bias: true, relu: false },
  { input: [4, 6, 12, 12], weight: [40, 6, 3, 3], options: { padding: 1, stride: 2 }, bias: false, relu: true },
  { input: [3, 4, 20, 20], weight: [130, 4, 3, 3], options: { dilation: 2 }, bias: true, relu: false },
  { input: [6, 16, 10, 10], weight: [24, 16, 1, 1], options: {}, bias: true, relu: false },
  { input: [5, 8, 16, 16], weight: [8, 2, 3, 3], options: { padding: 1, groups: 4 }, bias: true, relu: true },
];

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = (state >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

// Every case's output bits and input gradient bits, through the public conv2d.
function convolveAll(sg: Simdgrad): { output: Uint32Array; inputGrad: Uint32Array }[] {
  return CASES.map(({ input, weight, options, bias, relu }, index) =>
    sg.tidy(() => {
      const x = sg.tensor(values(input.reduce((a, b) => a * b), 2 * index + 1), input, { requiresGrad: true });
      const w = sg.tensor(values(weight.reduce((a, b) => a * b), 2 * index + 2), weight);
      const b = bias ? sg.tensor(values(weight[0], 7 * index + 3), [weight[0]]) : null;
      const conv = sg.F.conv2d(x, w, b, options);
      const y = relu ? sg.relu(conv) : conv;
      y.backward(sg.tensor(values(y.size, 11 * index + 5), y.shape));
      return { output: new Uint32Array(y.toFloat32Array().buffer), inputGrad: new Uint32Array(x.grad!.toFloat32Array().buffer) };
    }),
  );
}

describe('parallel convolution', () => {
  it('gives every output and input gradient bit for bit as one thread does, with 2 and 3 threads', async () => {
    const one = convolveAll(await freshLibrary(1));
    for (const threads of [2, 3]) {
      const sg = await freshLibrary(threads);
      expect(sg.getNumThreads()).toBe(threads);
      const many = convolveAll(sg);
      CASES.forEach((convCase, i) => {
        for (const part of ['output', 'inputGrad'] as const) {
          const differing = many[i]![part].findIndex((bits, j) => bits !== one[i]![part][j]);
          expect({ ...convCase, threads, part, differing }).toEqual({ ...convCase, threads, part, differing: -1 });
        }
      });
    }
  });
});
