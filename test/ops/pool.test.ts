import { describe, expect, it } from 'vitest';
import { F, arange, memory, tensor, tidy, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';

type Pair = [number, number];

interface NaiveWindow {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  outH: number;
  outW: number;
}

// Visits every window of every plane; `reduce` sees the in-bounds values and the window's
// clipped-to-padding and clipped-to-input sizes.
function naivePool(x: ArrayLike<number>, shape: number[], win: NaiveWindow, reduce: (values: number[], paddedCount: number) => number): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < win.outH; oy++) {
      for (let ox = 0; ox < win.outW; ox++) {
        const y0 = oy * win.stride[0] - win.padding[0];
        const x0 = ox * win.stride[1] - win.padding[1];
        const values: number[] = [];
        for (let i = 0; i < win.kernel[0]; i++) {
          for (let j = 0; j < win.kernel[1]; j++) {
            const iy = y0 + i * win.dilation[0];
            const ix = x0 + j * win.dilation[1];
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) values.push(x[(p * h + iy) * w + ix]!);
          }
        }
        const rows = Math.min(y0 + win.kernel[0], h + win.padding[0]) - y0;
        const cols = Math.min(x0 + win.kernel[1], w + win.padding[1]) - x0;
        out.push(reduce(values, rows * cols));
      }
    }
  }
  return out;
}

const maxOf = (values: number[]): number => Math.max(...values);
const meanIncludingPad = (values: number[], paddedCount: number): number => values.reduce((a, b) => a + b, 0) / paddedCount;
const meanOfInput = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

// Distinct values at least 0.1 apart, so no window has a near-tie a finite difference could flip.
function distinct(shape: number[]): { shape: number[]; data: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: n }, (_, i) => ((i * 37) % n) * 0.1 - n * 0.05) };
}

function smooth(shape: number[]): { shape: number[]; data: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: n }, (_, i) => Math.sin(1.37 * i + 0.4) * 2) };
}

function asTensor(v: { shape: number[]; data: number[] }): Tensor {
  return tensor(v.data, v.shape);
}

describe('F.maxPool2d and F.avgPool2d match the golden fixtures', () => {
  for (const c of loadCases('pool')) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const p = c.params as { kernel_size: number; stride: number; padding: number; dilation?: number; ceil_mode: boolean; count_include_pad?: boolean };
      const out = c.op === 'max_pool2d'
        ? F.maxPool2d(input, { kernelSize: p.kernel_size, stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceil_mode })
        : F.avgPool2d(input, { kernelSize: p.kernel_size, stride: p.stride, padding: p.padding, ceilMode: p.ceil_mode, countIncludePad: p.count_include_pad });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
    });
  }
});

interface MaxCase {
  name: string;
  shape: number[];
  options: F.MaxPool2dOptions;
  naive: NaiveWindow;
}

const maxCases: MaxCase[] = [
  { name: 'padding 1, kernel 3, stride 2', shape: [1, 2, 7, 6], options: { kernelSize: 3, stride: 2, padding: 1 }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 4, outW: 3 } },
  { name: 'dilation 2 with padding 1', shape: [2, 1, 7, 8], options: { kernelSize: 3, stride: 1, padding: 1, dilation: 2 }, naive: { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [2, 2], outH: 5, outW: 6 } },
  { name: 'ceilMode adds a last partial window', shape: [1, 1, 5, 7], options: { kernelSize: 2, ceilMode: true }, naive: { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outH: 3, outW: 4 } },
  { name: 'overlapping windows (kernel 3, stride 1)', shape: [1, 2, 5, 9], options: { kernelSize: 3, stride: 1 }, naive: { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], outH: 3, outW: 7 } },
  { name: 'non-square kernel, stride and padding', shape: [1, 1, 6, 11], options: { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1] }, naive: { kernel: [2, 3], stride: [1, 2], padding: [1, 1], dilation: [1, 1], outH: 7, outW: 6 } },
  { name: 'wide rows, stride 2 (four windows at a time)', shape: [1, 1, 4, 21], options: { kernelSize: 3, stride: 2, dilation: [1, 2] }, naive: { kernel: [3, 3], stride: [2, 2], padding: [0, 0], dilation: [1, 2], outH: 1, outW: 9 } },
];

describe('F.maxPool2d options', () => {
  for (const c of maxCases) {
    it(`${c.name}: values match a naive loop`, () => {
      const x = distinct(c.shape);
      const out = F.maxPool2d(asTensor(x), c.options);
      expect(out.shape).toEqual([c.shape[0], c.shape[1], c.naive.outH, c.naive.outW]);
      expect(Array.from(out.toFloat32Array())).toEqual(Array.from(Float32Array.from(naivePool(x.data, c.shape, c.naive, maxOf))));
    });

    it(`${c.name}: gradients match finite differences`, () => {
      expectGradientsMatchFiniteDifferences((x) => F.maxPool2d(x!, c.options), [distinct(c.shape)]);
    });
  }

  it('accepts a bare kernel size, like F.max_pool2d(x, 2)', () => {
    const out = F.maxPool2d(arange(0, 16).reshape(1, 1, 4, 4), 2);
    expect(out.toArray()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  it('sends the gradient of every window sharing a maximum to that one element', () => {
    const x = tensor([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]], undefined, { requiresGrad: true });
    const out = F.maxPool2d(x, { kernelSize: 2, stride: 1 });
    expect(out.toArray()).toEqual([[[[9, 9], [9, 9]]]]);
    out.backward(tensor([[[[1, 2], [3, 4]]]]));
    expect(x.grad!.toArray()).toEqual([[[[0, 0, 0], [0, 10, 0], [0, 0, 0]]]]);
  });

  it('ceilMode adds a last partial window, but none that would start in the right padding (PyTorch rule)', () => {
    const x = arange(0, 25).reshape(1, 1, 5, 5);
    expect(F.maxPool2d(x, { kernelSize: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    const six = arange(0, 36).reshape(1, 1, 6, 6);
    expect(F.maxPool2d(six, { kernelSize: 3, stride: 2 }).shape).toEqual([1, 1, 2, 2]);
    expect(F.maxPool2d(six, { kernelSize: 3, stride: 2, ceilMode: true }).toArray()).toEqual([[[[14, 16, 17], [26, 28, 29], [32, 34, 35]]]]);
  });

  it('propagates NaN like PyTorch, in the four-wide and the one-at-a-time paths', () => {
    const row = [1, 2, NaN, 4, 5, 6, 7, 8, 9, NaN];
    const out = F.maxPool2d(tensor([[[row]]]), { kernelSize: [1, 2] });
    expect(Array.from(out.toFloat32Array())).toEqual([2, NaN, 6, 8, NaN]);
  });

  it('frees its argmax indices with the graph', () => {
    const x = tensor(distinct([2, 3, 8, 8]).data, [2, 3, 8, 8], { requiresGrad: true });
    const step = (): void => {
      tidy(() => F.maxPool2d(x, 2).sum().backward());
      x.grad!.dispose();
      x.grad = null;
    };
    step();
    const before = memory();
    step();
    expect(memory()).toEqual(before);
  });
});

// PyTorch's scan of each window in row-major order: a strictly greater value or any NaN takes
// over from what came before, and the window's first element inside the input starts it, so a
// window of nothing but -infinity credits that element. `argmax` holds flat indices into x.
function referenceMaxPool(x: ArrayLike<number>, shape: number[], win: NaiveWindow): { values: number[]; argmax: number[] } {
  const [n, c, h, w] = shape as [number, number, number, number];
  const values: number[] = [];
  const argmax: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < win.outH; oy++) {
      for (let ox = 0; ox < win.outW; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < win.kernel[0]; i++) {
          for (let j = 0; j < win.kernel[1]; j++) {
            const iy = oy * win.stride[0] - win.padding[0] + i * win.dilation[0];
            const ix = ox * win.stride[1] - win.padding[1] + j * win.dilation[1];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const index = (p * h + iy) * w + ix;
            const v = x[index]!;
            if (at < 0 || v > best || Number.isNaN(v)) {
              best = v;
              at = index;
            }
          }
        }
        values.push(best);
        argmax.push(at);
      }
    }
  }
  return { values, argmax };
}

function routeGradient(argmax: number[], upstream: ArrayLike<number>, size: number): number[] {
  const grad = new Array<number>(size).fill(0);
  argmax.forEach((at, o) => {
    grad[at] += upstream[o]!;
  });
  return grad;
}

// Few distinct values, so windows tie, with NaN, -infinity and zeros of both signs sprinkled in.
function awkward(shape: number[]): { shape: number[]; data: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const at = (i: number): number => {
    if (i % 23 === 5 || i % 29 === 6) return NaN;
    if (i % 17 === 3 || i % 19 === 4) return -Infinity;
    if (i % 13 === 0) return -0;
    if (i % 11 === 0) return 0;
    return ((i * 7) % 5) - 2;
  };
  return { shape, data: Array.from({ length: n }, (_, i) => at(i)) };
}

// Distinct, exactly representable upstream gradients, so a misrouted one shows.
function upstreamFor(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => (i % 61) + 1), shape);
}

const pairwise = (height: number, width: number): NaiveWindow => ({
  kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outH: Math.floor(height / 2), outW: Math.floor(width / 2),
});

// All take the 2x2 stride-2 path (at least four outputs per row): planes not a multiple of four,
// odd heights and widths whose last row or column no window covers, widths not a multiple of 8
// whose last four outputs overlap the group before.
const pairwiseShapes = [[2, 3, 8, 8], [1, 1, 9, 9], [3, 1, 10, 10], [1, 5, 7, 17], [2, 1, 6, 22], [1, 2, 12, 8], [4, 8, 28, 28], [2, 16, 10, 10], [1, 3, 11, 30]];

// Each window's gradient, a quarter to each of its four inputs; uncovered rows and columns get 0.
function spreadQuarters(shape: number[], win: NaiveWindow, upstream: ArrayLike<number>): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const grad = new Array<number>(n * c * h * w).fill(0);
  for (let p = 0; p < n * c; p++) {
    for (let iy = 0; iy < 2 * win.outH; iy++) {
      for (let ix = 0; ix < 2 * win.outW; ix++) grad[(p * h + iy) * w + ix] = upstream[(p * win.outH + (iy >> 1)) * win.outW + (ix >> 1)]! / 4;
    }
  }
  return grad;
}

function expectSameFloats(got: Tensor, want: number[]): void {
  expect(Array.from(got.toFloat32Array())).toEqual(Array.from(Float32Array.from(want)));
}

describe('2x2 stride-2 pooling matches PyTorch\'s loop', () => {
  for (const shape of pairwiseShapes) {
    const win = pairwise(shape[2]!, shape[3]!);

    it(`maxPool2d ${shape.join('x')}: values and gradient routing with ties, NaN and -Infinity`, () => {
      const x = awkward(shape);
      const input = tensor(x.data, shape, { requiresGrad: true });
      const out = F.maxPool2d(input, 2);
      const want = referenceMaxPool(x.data, shape, win);
      expectSameFloats(out, want.values);
      const upstream = upstreamFor(out.shape as number[]);
      out.backward(upstream);
      expectSameFloats(input.grad!, routeGradient(want.argmax, upstream.toFloat32Array(), x.data.length));
    });

    it(`avgPool2d ${shape.join('x')}: values and gradient`, () => {
      const x = smooth(shape);
      const input = tensor(x.data, shape, { requiresGrad: true });
      const out = F.avgPool2d(input, 2);
      expectCloseToFixture(out, { shape: [shape[0]!, shape[1]!, win.outH, win.outW], data: naivePool(x.data, shape, win, meanIncludingPad) }, 'output', 1e-6);
      const upstream = upstreamFor(out.shape as number[]);
      out.backward(upstream);
      expectSameFloats(input.grad!, spreadQuarters(shape, win, upstream.toFloat32Array()));
    });
  }

  it('keeps the first of tied maxima, the last NaN, and credits an all -Infinity window to its top-left', () => {
    const inf = Infinity;
    const x = tensor([[[
      [1, 3, -0, 0, NaN, 1, -inf, -inf],
      [3, 2, 0, -0, 2, NaN, -inf, -inf],
    ]]], undefined, { requiresGrad: true });
    const out = F.maxPool2d(x, 2);
    expect(Array.from(out.toFloat32Array())).toEqual([3, -0, NaN, -inf]);
    out.backward(tensor([[[[1, 2, 3, 4]]]]));
    expect(Array.from(x.grad!.toFloat32Array())).toEqual([0, 1, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0]);
  });

  it('ceilMode on even sizes takes the same path and gives the same values as without it', () => {
    const x = tensor(awkward([1, 2, 8, 12]).data, [1, 2, 8, 12]);
    expectSameFloats(F.maxPool2d(x, { kernelSize: 2, ceilMode: true }), Array.from(F.maxPool2d(x, 2).toFloat32Array()));
  });
});

describe('the general maxPool2d path credits an all -Infinity window to its first element inside the input, as PyTorch does', () => {
  const cases: { name: string; shape: number[]; options: F.MaxPool2dOptions; naive: NaiveWindow }[] = [
    { name: 'padding 1, kernel 3, stride 2', shape: [1, 1, 5, 6], options: { kernelSize: 3, stride: 2, padding: 1 }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 3, outW: 3 } },
    { name: 'four windows at a time, stride 1', shape: [1, 1, 3, 12], options: { kernelSize: [2, 3], stride: 1 }, naive: { kernel: [2, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], outH: 2, outW: 10 } },
    { name: 'fewer than four outputs per row', shape: [1, 2, 6, 6], options: { kernelSize: 2 }, naive: pairwise(6, 6) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? 1 : -Infinity));
      const input = tensor(data, c.shape, { requiresGrad: true });
      const out = F.maxPool2d(input, c.options);
      const want = referenceMaxPool(data, c.shape, c.naive);
      expectSameFloats(out, want.values);
      const upstream = upstreamFor(out.shape as number[]);
      out.backward(upstream);
      expectSameFloats(input.grad!, routeGradient(want.argmax, upstream.toFloat32Array(), n));
    });
  }
});

interface AvgCase {
  name: string;
  shape: number[];
  options: F.AvgPool2dOptions;
  naive: NaiveWindow;
}

const avgCases: AvgCase[] = [
  { name: 'countIncludePad true, padding 1', shape: [1, 2, 5, 7], options: { kernelSize: 3, stride: 2, padding: 1 }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 3, outW: 4 } },
  { name: 'countIncludePad false, padding 1', shape: [1, 2, 5, 7], options: { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 3, outW: 4 } },
  { name: 'ceilMode with padding, countIncludePad true', shape: [1, 1, 6, 6], options: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 4, outW: 4 } },
  { name: 'ceilMode, countIncludePad false', shape: [1, 1, 6, 6], options: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 4, outW: 4 } },
  { name: 'overlapping stride-1 windows on wide rows', shape: [2, 1, 4, 13], options: { kernelSize: [2, 3], stride: 1, padding: [0, 1] }, naive: { kernel: [2, 3], stride: [1, 1], padding: [0, 1], dilation: [1, 1], outH: 3, outW: 13 } },
  { name: 'stride 2 on wide rows', shape: [1, 1, 4, 19], options: { kernelSize: 2 }, naive: { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outH: 2, outW: 9 } },
];

describe('F.avgPool2d options', () => {
  for (const c of avgCases) {
    const reduce = c.options.countIncludePad === false ? meanOfInput : meanIncludingPad;
    it(`${c.name}: values match a naive loop`, () => {
      const x = smooth(c.shape);
      const out = F.avgPool2d(asTensor(x), c.options);
      expect(out.shape).toEqual([c.shape[0], c.shape[1], c.naive.outH, c.naive.outW]);
      expectCloseToFixture(out, { shape: out.shape as number[], data: naivePool(x.data, c.shape, c.naive, reduce) }, 'output', 1e-6);
    });

    it(`${c.name}: gradients match finite differences`, () => {
      expectGradientsMatchFiniteDifferences((x) => F.avgPool2d(x!, c.options), [smooth(c.shape)], { tolerance: 5e-3 });
    });
  }

  it('divides a ceilMode edge window by what it covers of the input (PyTorch values)', () => {
    const out = F.avgPool2d(arange(0, 25).reshape(1, 1, 5, 5), { kernelSize: 2, ceilMode: true });
    expect(out.toArray()).toEqual([[[[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]]]]);
  });
});

// Each window's gradient over its divisor, added to every input element of the window.
function referenceAvgPoolBackward(shape: number[], win: NaiveWindow, countIncludePad: boolean, upstream: ArrayLike<number>): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const grad = new Array<number>(n * c * h * w).fill(0);
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < win.outH; oy++) {
      for (let ox = 0; ox < win.outW; ox++, o++) {
        const y0 = oy * win.stride[0] - win.padding[0];
        const x0 = ox * win.stride[1] - win.padding[1];
        const inside: number[] = [];
        for (let iy = Math.max(y0, 0); iy < Math.min(y0 + win.kernel[0], h); iy++) {
          for (let ix = Math.max(x0, 0); ix < Math.min(x0 + win.kernel[1], w); ix++) inside.push((p * h + iy) * w + ix);
        }
        const padded = (Math.min(y0 + win.kernel[0], h + win.padding[0]) - y0) * (Math.min(x0 + win.kernel[1], w + win.padding[1]) - x0);
        for (const at of inside) grad[at] += upstream[o]! / (countIncludePad ? padded : inside.length);
      }
    }
  }
  return grad;
}

describe('avgPool2d backward on the general path matches a plain scatter of each window\'s share', () => {
  const cases: { name: string; shape: number[]; options: F.AvgPool2dOptions; naive: NaiveWindow }[] = [
    { name: 'stride 1, padding 1, rows wide enough to gather four columns at a time', shape: [2, 3, 9, 21], options: { kernelSize: 3, stride: 1, padding: 1 }, naive: { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], outH: 9, outW: 21 } },
    { name: 'stride 1, countIncludePad false, non-square kernel', shape: [1, 2, 7, 18], options: { kernelSize: [2, 4], stride: 1, padding: [1, 2], countIncludePad: false }, naive: { kernel: [2, 4], stride: [1, 1], padding: [1, 2], dilation: [1, 1], outH: 8, outW: 19 } },
    { name: 'stride 1 on rows narrower than the kernel', shape: [1, 2, 3, 1], options: { kernelSize: 3, stride: 1, padding: 1 }, naive: { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], outH: 3, outW: 1 } },
    { name: 'stride 1 on rows of two', shape: [1, 1, 4, 2], options: { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false }, naive: { kernel: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [1, 1], outH: 5, outW: 3 } },
    { name: 'kernel 3, stride 2, padding 1', shape: [2, 2, 11, 10], options: { kernelSize: 3, stride: 2, padding: 1 }, naive: { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outH: 6, outW: 5 } },
    { name: 'kernel 2 with ceilMode on odd sizes', shape: [1, 3, 7, 9], options: { kernelSize: 2, ceilMode: true, countIncludePad: false }, naive: { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outH: 4, outW: 5 } },
    { name: 'stride larger than the kernel leaves gaps', shape: [1, 1, 8, 11], options: { kernelSize: 2, stride: 3 }, naive: { kernel: [2, 2], stride: [3, 3], padding: [0, 0], dilation: [1, 1], outH: 3, outW: 4 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = asTensor(smooth(c.shape));
      input.requiresGrad = true;
      const out = F.avgPool2d(input, c.options);
      expect(out.shape).toEqual([c.shape[0], c.shape[1], c.naive.outH, c.naive.outW]);
      const upstream = upstreamFor(out.shape as number[]);
      out.backward(upstream);
      const want = referenceAvgPoolBackward(c.shape, c.naive, c.options.countIncludePad ?? true, upstream.toFloat32Array());
      expectCloseToFixture(input.grad, { shape: c.shape, data: want }, 'grad input', 1e-6);
    });
  }
});

describe('F.adaptiveAvgPool2d', () => {
  it('averages PyTorch bins [floor(i*H/out), ceil((i+1)*H/out)) that overlap when sizes do not divide', () => {
    const out = F.adaptiveAvgPool2d(arange(0, 35).reshape(1, 1, 5, 7), [3, 4]);
    // Rows bins [0,2) [1,4) [3,5); column bins [0,2) [1,4) [3,6) [5,7).
    const rowBins: Pair[] = [[0, 2], [1, 4], [3, 5]];
    const colBins: Pair[] = [[0, 2], [1, 4], [3, 6], [5, 7]];
    const want = rowBins.map(([ys, ye]) => colBins.map(([xs, xe]) => {
      let total = 0;
      for (let y = ys; y < ye; y++) for (let x = xs; x < xe; x++) total += y * 7 + x;
      return total / ((ye - ys) * (xe - xs));
    }));
    expect(out.shape).toEqual([1, 1, 3, 4]);
    expectCloseToFixture(out, { shape: [1, 1, 3, 4], data: want.flat() }, 'output', 1e-6);
  });

  it('with output size 1 is the global average of each channel', () => {
    const x = tensor(smooth([2, 3, 6, 9]).data, [2, 3, 6, 9]);
    const out = F.adaptiveAvgPool2d(x, 1);
    expect(out.shape).toEqual([2, 3, 1, 1]);
    expectCloseToFixture(out, { shape: [2, 3, 1, 1], data: Array.from(x.mean([2, 3]).toFloat32Array()) }, 'output', 1e-6);
  });

  it('keeps a dimension given as null', () => {
    expect(F.adaptiveAvgPool2d(arange(0, 30).reshape(1, 1, 5, 6), [null, 2]).shape).toEqual([1, 1, 5, 2]);
  });

  for (const [shape, size] of [[[1, 2, 5, 7], [3, 4]], [[2, 1, 7, 5], [4, 2]], [[1, 1, 3, 4], [5, 6]]] as [number[], Pair][]) {
    it(`${shape.join('x')} to ${size.join('x')}: gradients match finite differences`, () => {
      expectGradientsMatchFiniteDifferences((x) => F.adaptiveAvgPool2d(x!, size), [smooth(shape)], { tolerance: 5e-3 });
    });
  }
});

describe('pooling errors name the op, the shapes and the fix', () => {
  const image = (): Tensor => arange(0, 25).reshape(1, 1, 5, 5);

  it('rejects input that is not 4-D', () => {
    expect(() => F.maxPool2d(arange(0, 25).reshape(5, 5), 2)).toThrow(/maxPool2d: expected a 4-D input \[N, C, H, W\], got \[5, 5\]; add a batch dimension/);
    expect(() => F.avgPool2d(arange(0, 25).reshape(1, 5, 5), 2)).toThrow(/avgPool2d: expected a 4-D input \[N, C, H, W\], got \[1, 5, 5\]/);
    expect(() => F.adaptiveAvgPool2d(arange(0, 5), 1)).toThrow(/adaptiveAvgPool2d: expected a 4-D input \[N, C, H, W\], got \[5\]/);
  });

  it('rejects padding above half the kernel size', () => {
    expect(() => F.maxPool2d(image(), { kernelSize: 3, padding: 2 })).toThrow(/maxPool2d: padding \[2, 2\] must be at most half the kernel size \[3, 3\]; use padding <= \[1, 1\]/);
    expect(() => F.avgPool2d(image(), { kernelSize: [4, 2], padding: [2, 2] })).toThrow(/avgPool2d: padding \[2, 2\] must be at most half the kernel size \[4, 2\]; use padding <= \[2, 1\]/);
  });

  it('rejects a window larger than the padded input', () => {
    expect(() => F.maxPool2d(image(), 6)).toThrow(/maxPool2d: the window 6x6 \(dilation 1x1\) is larger than the padded input 5x5 \(input \[1, 1, 5, 5\], padding \[0, 0\]\); the output would be 0x0/);
    expect(() => F.maxPool2d(image(), { kernelSize: 3, dilation: 3 })).toThrow(/the window 3x3 \(dilation 3x3\) is larger than the padded input 5x5/);
  });

  it('rejects bad kernel, stride, padding and dilation values', () => {
    expect(() => F.maxPool2d(image(), 0)).toThrow(/maxPool2d: kernelSize must be a positive integer or a pair \[h, w\] of them, got 0/);
    expect(() => F.maxPool2d(image(), {} as F.MaxPool2dOptions)).toThrow(/maxPool2d: kernelSize is required, e.g. maxPool2d\(x, \{ kernelSize: 2 \}\)/);
    expect(() => F.maxPool2d(image(), { kernelSize: 2, stride: 0 })).toThrow(/maxPool2d: stride must be a positive integer .* got 0/);
    expect(() => F.avgPool2d(image(), { kernelSize: 2, padding: -1 })).toThrow(/avgPool2d: padding must be a non-negative integer .* got -1/);
    expect(() => F.maxPool2d(image(), { kernelSize: 2, dilation: [1, 0.5] })).toThrow(/maxPool2d: dilation must be a positive integer .* got \[1,0.5\]/);
    expect(() => F.adaptiveAvgPool2d(image(), [0, 2])).toThrow(/adaptiveAvgPool2d: outputSize must be a positive integer or a pair \[h, w\] of them .* got \[0,2\]/);
  });
});
