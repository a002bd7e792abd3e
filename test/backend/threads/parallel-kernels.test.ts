import { describe, expect, it, vi } from 'vitest';
import { MIN_PARALLEL_ACTIVATION } from '../../../src/backend/threads/parallel-activation.js';
import { MIN_PARALLEL_MACS } from '../../../src/backend/threads/parallel-gemm.js';
import { MIN_PARALLEL_LOSS } from '../../../src/backend/threads/parallel-loss.js';
import { MIN_PARALLEL_FINITE_CHECK, MIN_PARALLEL_UPDATE, MIN_PARALLEL_ZEROING } from '../../../src/backend/threads/parallel-optim.js';
import { MIN_PARALLEL_POOL } from '../../../src/backend/threads/parallel-pool.js';

type Simdgrad = typeof import('simdgrad');
type Tensor = InstanceType<Simdgrad['Tensor']>;

// A fresh copy of the library per thread count: init() loads once per program.
async function freshLibrary(threads: number): Promise<Simdgrad> {
  vi.resetModules();
  const sg = (await import('simdgrad')) as Simdgrad;
  await sg.init({ build: (process.env.SIMDGRAD_BUILD as 'simd' | 'relaxed-simd' | undefined) ?? 'simd', threads });
  return sg;
}

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) * 4;
  }
  return out;
}

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.toFloat32Array().buffer));

// Sizes just above each family's threshold, with ragged ends (not a multiple of the chunk
// alignment, of 4 lanes, or of the thread count).
const ELEMENTS = MIN_PARALLEL_ACTIVATION + 4099;
const POOL_INPUT: [number, number, number, number] = [5, 13, 65, 67];
const CONV_INPUT: [number, number, number, number] = [7, 5, 19, 21];
const CONV_WEIGHT: [number, number, number, number] = [6, 5, 3, 3];
// W3's first layer over 13 images: its weight gradient is read in place (the plan's 'in-place'), summed in 3 chunks.
const FIRST_LAYER_INPUT: [number, number, number, number] = [13, 1, 28, 28];
const FIRST_LAYER_WEIGHT: [number, number, number, number] = [8, 1, 5, 5];
// LeNet's second layer, unpadded: its input gradient takes the scatter path (assembly/conv-plan.ts).
const SCATTER_INPUT: [number, number, number, number] = [7, 8, 14, 14];
const SCATTER_WEIGHT: [number, number, number, number] = [16, 8, 5, 5];
const GEMM: [number, number, number] = [97, 211, 83];
const PARAMETER_SIZES = [MIN_PARALLEL_UPDATE + 1001, 3, 4097];
const GRADIENT_SIZES = [MIN_PARALLEL_ZEROING + 5, 17, 9001];
const LOGITS: [number, number] = [Math.ceil(MIN_PARALLEL_LOSS / 13) + 931, 13];

// Forward output and input gradient (for a non-uniform upstream gradient) of `op` on `input`.
function forwardAndBackward(sg: Simdgrad, shape: number[], op: (x: Tensor) => Tensor, seed: number): number[][] {
  return sg.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = sg.tensor(values(size, seed), shape, { requiresGrad: true });
    const y = op(x);
    sg.mul(y, sg.tensor(values(y.size, seed + 1), y.shape)).sum().backward();
    return [bits(y), bits(x.grad!)];
  });
}

type Case = [name: string, run: (sg: Simdgrad) => number[][]];

const ACTIVATIONS: [string, (sg: Simdgrad, x: Tensor) => Tensor][] = [
  ['relu', (sg, x) => sg.F.relu(x)],
  ['leakyRelu', (sg, x) => sg.F.leakyRelu(x, 0.2)],
  ['sigmoid', (sg, x) => sg.F.sigmoid(x)],
  ['tanh', (sg, x) => sg.F.tanh(x)],
  ['gelu', (sg, x) => sg.F.gelu(x)],
  ['gelu tanh', (sg, x) => sg.F.gelu(x, { approximate: 'tanh' })],
  ['elu', (sg, x) => sg.F.elu(x, 0.7)],
  ['softplus', (sg, x) => sg.F.softplus(x, { beta: 2, threshold: 3 })],
  ['silu', (sg, x) => sg.F.silu(x)],
  ['relu6', (sg, x) => sg.F.relu6(x)],
  ['hardsigmoid', (sg, x) => sg.F.hardsigmoid(x)],
  ['hardswish', (sg, x) => sg.F.hardswish(x)],
  ['mish', (sg, x) => sg.F.mish(x)],
];

const POOLS: [string, (sg: Simdgrad, x: Tensor) => Tensor][] = [
  ['maxPool2d 2x2', (sg, x) => sg.F.maxPool2d(x, 2)],
  ['maxPool2d 3x3, stride 2, padding 1, dilation 2', (sg, x) => sg.F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: 2 })],
  ['avgPool2d 2x2', (sg, x) => sg.F.avgPool2d(x, 2)],
  ['avgPool2d 3x3, stride 1, padding 1, without padding in the divisor', (sg, x) => sg.F.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false })],
  ['adaptiveAvgPool2d 7x5', (sg, x) => sg.F.adaptiveAvgPool2d(x, [7, 5])],
];

const OPTIMIZERS: [string, (sg: Simdgrad, params: Tensor[]) => { step(): void }][] = [
  ['SGD with Nesterov momentum', (sg, p) => new sg.optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam with AMSGrad', (sg, p) => new sg.optim.Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ['AdamW', (sg, p) => new sg.optim.AdamW(p, { lr: 0.01 })],
  ['RMSprop, centered, with momentum', (sg, p) => new sg.optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad', (sg, p) => new sg.optim.Adagrad(p, { lr: 0.1 })],
  ['Adamax', (sg, p) => new sg.optim.Adamax(p, { lr: 0.01 })],
  ['NAdam', (sg, p) => new sg.optim.NAdam(p, { lr: 0.01 })],
  ['RAdam', (sg, p) => new sg.optim.RAdam(p, { lr: 0.01 })],
  ['Adadelta', (sg, p) => new sg.optim.Adadelta(p, { lr: 1 })],
];

const CROSS_ENTROPY: [string, Record<string, unknown>][] = [
  ['mean', {}],
  ['sum, label smoothing', { reduction: 'sum', labelSmoothing: 0.1 }],
  ['none, an ignored class', { reduction: 'none', ignoreIndex: 3 }],
];

const CASES: Case[] = [
  ['matmul (GEMM)', (sg) => [bits(sg.matmul(sg.tensor(values(GEMM[0] * GEMM[2], 1), [GEMM[0], GEMM[2]]), sg.tensor(values(GEMM[2] * GEMM[1], 2), [GEMM[2], GEMM[1]])))]],
  [
    'conv2d forward and gradients',
    (sg) => sg.tidy(() => {
      const weight = sg.tensor(values(CONV_WEIGHT.reduce((a, b) => a * b, 1), 5), CONV_WEIGHT, { requiresGrad: true });
      const out = forwardAndBackward(sg, CONV_INPUT, (x) => sg.F.conv2d(x, weight, null, { padding: 1 }), 6);
      return [...out, bits(weight.grad!)];
    }),
  ],
  [
    "conv2d forward and gradients, W3's first layer",
    (sg) => sg.tidy(() => {
      const weight = sg.tensor(values(FIRST_LAYER_WEIGHT.reduce((a, b) => a * b, 1), 7), FIRST_LAYER_WEIGHT, { requiresGrad: true });
      const out = forwardAndBackward(sg, FIRST_LAYER_INPUT, (x) => sg.F.conv2d(x, weight, null, { padding: 2 }), 8);
      return [...out, bits(weight.grad!)];
      }),
    ],
    [
    'conv2d input gradient (scatter path)',
    (sg) => sg.tidy(() => {
      const weight = sg.tensor(values(SCATTER_WEIGHT.reduce((a, b) => a * b, 1), 7), SCATTER_WEIGHT);
      return forwardAndBackward(sg, SCATTER_INPUT, (x) => sg.F.conv2d(x, weight), 8);
    }),
  ],
  ...ACTIVATIONS.map(([name, op], i): Case => [name, (sg) => forwardAndBackward(sg, [ELEMENTS], (x) => op(sg, x), 10 + i)]),
  ...POOLS.map(([name, op], i): Case => [name, (sg) => forwardAndBackward(sg, POOL_INPUT, (x) => op(sg, x), 40 + i)]),
  ...CROSS_ENTROPY.map(([name, options], i): Case => [
    `crossEntropy (${name})`,
    (sg) => forwardAndBackward(sg, LOGITS, (x) => sg.F.crossEntropy(x, Int32Array.from({ length: LOGITS[0] }, (_, r) => (r * 7) % LOGITS[1]), options), 50 + i),
  ]),
  ...OPTIMIZERS.map(([name, make], i): Case => [
    `${name} step`,
    (sg) => {
      const params = PARAMETER_SIZES.map((size, j) => sg.tensor(values(size, 60 + 3 * i + j), [size], { requiresGrad: true }));
      const optimizer = make(sg, params);
      for (let step = 0; step < 3; step++) {
        params.forEach((p, j) => {
          p.grad = sg.tensor(values(p.size, 100 * step + j + i), p.shape);
        });
        optimizer.step();
      }
      return params.map(bits);
    },
  ]),
  [
    'zeroGrad({ setToNone: false })',
    (sg) => {
      const params = GRADIENT_SIZES.map((size) => sg.zeros([size], { requiresGrad: true }));
      params.forEach((p, j) => {
        p.grad = sg.tensor(values(p.size, 200 + j), p.shape);
      });
      new sg.optim.SGD(params, { lr: 0.1 }).zeroGrad({ setToNone: false });
      return params.map((p) => bits(p.grad!));
    },
  ],
  [
    "the step's finite check of the gradients",
    (sg) => {
      const params = GRADIENT_SIZES.map((size) => sg.zeros([size], { requiresGrad: true }));
      const optimizer = new sg.optim.SGD(params, { lr: 0.1 });
      // NaN or Infinity late in the long tensor (2 and 1), or only in the last one (2): the
      // step names the first tensor that holds one.
      return [[1, 2], [2]].map((poisoned) => {
        params.forEach((p, j) => {
          const grad = values(p.size, 300 + j);
          if (poisoned.includes(j)) grad[p.size - 3] = j === 1 ? Infinity : NaN;
          p.grad = sg.tensor(grad, p.shape);
        });
        const message = (() => {
          try {
            optimizer.step();
            return 'no error';
          } catch (error) {
            return (error as Error).message;
          }
        })();
        return Array.from(message, (c) => c.charCodeAt(0));
      });
    },
  ],
];

describe('every parallel kernel under 1 and 3 threads', () => {
  it('runs on sizes above every split threshold', () => {
    expect(ELEMENTS).toBeGreaterThan(MIN_PARALLEL_ACTIVATION);
    expect(POOL_INPUT.reduce((a, b) => a * b, 1)).toBeGreaterThan(MIN_PARALLEL_POOL);
    expect(PARAMETER_SIZES.reduce((a, b) => a + b, 0)).toBeGreaterThan(MIN_PARALLEL_UPDATE);
    expect(GEMM[0] * GEMM[1] * GEMM[2]).toBeGreaterThan(MIN_PARALLEL_MACS);
    expect(LOGITS[0] * LOGITS[1]).toBeGreaterThan(MIN_PARALLEL_LOSS);
    expect(GRADIENT_SIZES.reduce((a, b) => a + b, 0)).toBeGreaterThan(Math.max(MIN_PARALLEL_ZEROING, MIN_PARALLEL_FINITE_CHECK));
    const [n, c, h, w] = CONV_INPUT;
    expect(n * CONV_WEIGHT[0] * h * w * c * 9).toBeGreaterThan(MIN_PARALLEL_MACS);
    expect(FIRST_LAYER_INPUT[0] * FIRST_LAYER_WEIGHT[0] * 28 * 28 * 25).toBeGreaterThan(MIN_PARALLEL_MACS);
    expect(SCATTER_INPUT[0] * SCATTER_WEIGHT[0] * 10 * 10 * SCATTER_INPUT[1] * 25).toBeGreaterThan(MIN_PARALLEL_MACS);
  });

  it('computes the same bits on 3 threads as on 1', async () => {
    const one = await freshLibrary(1);
    const serial = CASES.map(([, run]) => run(one));
    const three = await freshLibrary(3);
    expect(three.getNumThreads()).toBe(3);
    CASES.forEach(([name, run], i) => {
      const results = run(three);
      results.forEach((result, r) => {
        const differing = result.findIndex((b, j) => b !== serial[i]![r]![j]);
        expect({ name, result: r, length: result.length, differing }).toEqual({ name, result: r, length: serial[i]![r]!.length, differing: -1 });
      });
    });
  });
});
