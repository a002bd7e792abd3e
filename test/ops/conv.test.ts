import { describe, expect, it } from 'vitest';
import { F, memory, tensor, tidy, type Tensor } from 'simdgrad';
import { expectCloseToFixture, fromFixture, loadCases } from '../helpers/fixtures.js';
import { expectGradientsMatchFiniteDifferences } from '../helpers/gradcheck.js';
import { naiveConv2d, type NaiveConv } from '../helpers/naive-conv.js';

function wave(length: number, seed: number): number[] {
  return Array.from(Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * 1.5));
}

function sized(shape: number[], seed: number): { shape: number[]; data: number[] } {
  return { shape, data: wave(shape.reduce((a, b) => a * b, 1), seed) };
}

describe('F.conv2d matches the golden fixtures', () => {
  for (const c of [...loadCases('conv2d'), ...loadCases('conv2d_groups')]) {
    it(c.name, () => {
      const input = fromFixture(c.inputs.input!, true);
      const weight = fromFixture(c.inputs.weight!, true);
      const bias = c.inputs.bias ? fromFixture(c.inputs.bias, true) : null;
      const { stride, padding, dilation, groups } = c.params as { stride: number; padding: number; dilation: number; groups: number };
      const out = F.conv2d(input, weight, bias, { stride, padding, dilation, groups });
      expectCloseToFixture(out, c.output, 'output');
      out.backward(fromFixture(c.inputs.upstream!));
      expectCloseToFixture(input.grad, c.grads.input!, 'grad input');
      expectCloseToFixture(weight.grad, c.grads.weight!, 'grad weight');
      if (bias) expectCloseToFixture(bias.grad, c.grads.bias!, 'grad bias');
    });
  }
});

describe('F.conv2d on the classic sharpen example', () => {
  const image = [
    [60, 113, 56, 139, 85],
    [73, 121, 54, 84, 128],
    [131, 99, 70, 129, 127],
    [80, 57, 115, 69, 134],
    [104, 126, 123, 95, 130],
  ];
  const sharpen = [
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ];
  const x = image.flat();
  const k = sharpen.flat();

  it('gives 114 at the top-left and the whole 5x5 map with padding 1, stride 1', () => {
    const out = F.conv2d(tensor([[image]]), tensor([[sharpen]]), null, { padding: 1 });
    expect(out.shape).toEqual([1, 1, 5, 5]);
    expect(out.toArray()).toEqual([[[
      [114, 328, -26, 470, 158],
      [53, 266, -61, -30, 344],
      [403, 116, -47, 295, 244],
      [108, -135, 256, -128, 344],
      [314, 346, 279, 153, 421],
    ]]]);
    expect(Array.from(out.toFloat32Array())).toEqual(naiveConv2d(x, [1, 1, 5, 5], k, [1, 1, 3, 3], null, { padding: [1, 1, 1, 1] }).data);
  });

  it('keeps every other position with stride 2', () => {
    const out = F.conv2d(tensor([[image]]), tensor([[sharpen]]), null, { padding: 1, stride: 2 });
    expect(out.shape).toEqual([1, 1, 3, 3]);
    expect(out.toArray()).toEqual([[[[114, -26, 158], [403, -47, 244], [314, 279, 421]]]]);
    expect(Array.from(out.toFloat32Array())).toEqual(naiveConv2d(x, [1, 1, 5, 5], k, [1, 1, 3, 3], null, { padding: [1, 1, 1, 1], stride: [2, 2] }).data);
  });
});

interface ConvCase {
  name: string;
  input: number[];
  weight: number[];
  bias: boolean;
  options: F.Conv2dOptions;
  naive: NaiveConv;
}

const cases: ConvCase[] = [
  { name: 'groups 2, padding 1, with bias', input: [2, 4, 5, 6], weight: [6, 2, 3, 3], bias: true, options: { groups: 2, padding: 1 }, naive: { groups: 2, padding: [1, 1, 1, 1] } },
  { name: 'depthwise (groups == C), stride 2', input: [1, 3, 5, 4], weight: [3, 1, 3, 3], bias: true, options: { groups: 3, stride: 2, padding: 1 }, naive: { groups: 3, stride: [2, 2], padding: [1, 1, 1, 1] } },
  { name: 'depthwise with channel multiplier 2, no bias', input: [2, 2, 4, 5], weight: [4, 1, 3, 2], bias: false, options: { groups: 2 }, naive: { groups: 2 } },
  { name: 'dilation 2 with padding [2, 1]', input: [1, 2, 7, 6], weight: [2, 2, 3, 3], bias: false, options: { dilation: 2, padding: [2, 1] }, naive: { dilation: [2, 2], padding: [2, 2, 1, 1] } },
  { name: 'stride [2, 1] on an odd, non-square input', input: [2, 2, 7, 9], weight: [3, 2, 3, 2], bias: true, options: { stride: [2, 1], padding: [1, 0] }, naive: { stride: [2, 1], padding: [1, 1, 0, 0] } },
  { name: "'same' padding with an even 2x4 kernel (extra padding bottom/right)", input: [1, 2, 5, 6], weight: [2, 2, 2, 4], bias: true, options: { padding: 'same' }, naive: { padding: [0, 1, 1, 2] } },
  { name: "'same' padding with dilation [1, 2]", input: [1, 1, 4, 5], weight: [2, 1, 3, 2], bias: false, options: { padding: 'same', dilation: [1, 2] }, naive: { dilation: [1, 2], padding: [1, 1, 1, 1] } },
  { name: "'valid' padding, stride 3, 5x5 kernel", input: [1, 2, 9, 8], weight: [2, 2, 5, 5], bias: true, options: { padding: 'valid', stride: 3 }, naive: { stride: [3, 3] } },
  { name: '1x1 pointwise with groups 2', input: [2, 4, 3, 5], weight: [6, 2, 1, 1], bias: true, options: { groups: 2 }, naive: { groups: 2 } },
];

describe('F.conv2d options', () => {
  for (const c of cases) {
    it(`${c.name}: values match a naive loop`, () => {
      const x = sized(c.input, 0.1);
      const w = sized(c.weight, 0.7);
      const b = c.bias ? sized([c.weight[0]!], 2.3) : null;
      const out = F.conv2d(tensor(x.data, x.shape), tensor(w.data, w.shape), b ? tensor(b.data, b.shape) : null, c.options);
      const want = naiveConv2d(x.data, x.shape, w.data, w.shape, b?.data ?? null, c.naive);
      expectCloseToFixture(out, want, 'output', 1e-5);
    });

    it(`${c.name}: gradients match finite differences`, () => {
      const inputs = [sized(c.input, 0.1), sized(c.weight, 0.7)];
      if (c.bias) inputs.push(sized([c.weight[0]!], 2.3));
      expectGradientsMatchFiniteDifferences((x, w, b) => F.conv2d(x!, w!, b ?? null, c.options), inputs, { tolerance: 5e-3 });
    });
  }

  it('matches a naive loop on a larger batch with many channels', () => {
    const x = sized([3, 9, 13, 11], 0.2);
    const w = sized([12, 9, 3, 3], 0.9);
    const b = sized([12], 1.4);
    const out = F.conv2d(tensor(x.data, x.shape), tensor(w.data, w.shape), tensor(b.data, b.shape), { padding: [1, 2], stride: [1, 2] });
    expectCloseToFixture(out, naiveConv2d(x.data, x.shape, w.data, w.shape, b.data, { padding: [1, 1, 2, 2], stride: [1, 2] }), 'output', 1e-5);
  });

  it("'same' keeps the input's height and width", () => {
    const out = F.conv2d(tensor(wave(2 * 3 * 6 * 7, 0), [2, 3, 6, 7]), tensor(wave(4 * 3 * 4 * 5, 1), [4, 3, 4, 5]), null, { padding: 'same' });
    expect(out.shape).toEqual([2, 4, 6, 7]);
  });

  it('frees its column buffer and everything backward used', () => {
    const x = tensor(wave(2 * 3 * 8 * 8, 0), [2, 3, 8, 8], { requiresGrad: true });
    const w = tensor(wave(4 * 3 * 3 * 3, 1), [4, 3, 3, 3], { requiresGrad: true });
    const b = tensor([0.1, 0.2, 0.3, 0.4], [4], { requiresGrad: true });
    const step = (): void => {
      tidy(() => F.conv2d(x, w, b, { padding: 1, stride: 2 }).sum().backward());
      for (const t of [x, w, b]) {
        t.grad?.dispose();
        t.grad = null;
      }
    };
    step();
    const before = memory();
    step();
    expect(memory()).toEqual(before);
  });
});

describe('F.conv2d errors name the op, the shapes and the fix', () => {
  const image = (shape: number[]): Tensor => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

  it('rejects input that is not 4-D', () => {
    expect(() => F.conv2d(image([3, 5, 5]), image([2, 3, 3, 3]))).toThrow(/conv2d: expected a 4-D input \[N, C, H, W\], got \[3, 5, 5\]; add a batch dimension/);
    expect(() => F.conv2d(image([1, 3, 5, 5]), image([2, 3, 3]))).toThrow(/conv2d: expected a 4-D weight .* got \[2, 3, 3\]/);
  });

  it('says how many input channels the weight expects', () => {
    expect(() => F.conv2d(image([1, 3, 5, 5]), image([4, 2, 3, 3]))).toThrow(/conv2d: expected input with 2 channels \(weight \[4, 2, 3, 3\] .*\), got 3 channels in input \[1, 3, 5, 5\]/);
    expect(() => F.conv2d(image([1, 4, 5, 5]), image([4, 1, 3, 3]), null, { groups: 2 })).toThrow(/expected input with 2 channels .* 1 in_channels per group x 2 groups\), got 4 channels/);
  });

  it('rejects channels that groups does not divide', () => {
    expect(() => F.conv2d(image([1, 3, 5, 5]), image([4, 1, 3, 3]), null, { groups: 2 })).toThrow(/conv2d: input channels \(3, input \[1, 3, 5, 5\]\) are not divisible by groups 2/);
    expect(() => F.conv2d(image([1, 4, 5, 5]), image([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/conv2d: out_channels \(3, weight \[3, 2, 3, 3\]\) are not divisible by groups 2/);
    expect(() => F.conv2d(image([1, 4, 5, 5]), image([4, 4, 3, 3]), null, { groups: 0 })).toThrow(/conv2d: groups must be a positive integer, got 0/);
  });

  it('rejects a kernel larger than the padded input', () => {
    expect(() => F.conv2d(image([1, 1, 2, 2]), image([1, 1, 3, 3]))).toThrow(/conv2d: the kernel 3x3 .* is larger than the padded input 2x2 \(input \[1, 1, 2, 2\], padding 0x0\); the output would be 0x0/);
    expect(() => F.conv2d(image([1, 1, 4, 4]), image([1, 1, 3, 3]), null, { dilation: 2 })).toThrow(/spanning 5x5\) is larger than the padded input 4x4/);
  });

  it('rejects bad stride, padding and dilation values', () => {
    const x = image([1, 1, 5, 5]);
    const w = image([1, 1, 3, 3]);
    expect(() => F.conv2d(x, w, null, { stride: 0 })).toThrow(/conv2d: stride must be a positive integer or a pair \[h, w\] of them, got 0/);
    expect(() => F.conv2d(x, w, null, { stride: [1, 1.5] })).toThrow(/stride must be a positive integer .* got \[1,1.5\]/);
    expect(() => F.conv2d(x, w, null, { padding: -1 })).toThrow(/conv2d: padding must be a non-negative integer .* got -1/);
    expect(() => F.conv2d(x, w, null, { padding: 'full' as 'same' })).toThrow(/conv2d: padding must be a number, a pair \[h, w\], 'valid' or 'same', got 'full'/);
    expect(() => F.conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' needs stride 1, got stride \[2, 2\]/);
    expect(() => F.conv2d(x, w, null, { dilation: [1, 0] })).toThrow(/conv2d: dilation must be a positive integer .* got \[1,0\]/);
  });

  it('rejects a bias that does not match out_channels', () => {
    expect(() => F.conv2d(image([1, 1, 5, 5]), image([2, 1, 3, 3]), image([3]))).toThrow(/conv2d: bias \[3\] must be \[2\] \(out_channels of weight \[2, 1, 3, 3\]\)/);
  });
});
