import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, tensor, type Tensor } from 'simdgrad';

function wave(shape: number[], phase = 0): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + phase) * 1.5), shape);
}

function bounds(values: Float32Array): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

describe('nn.Conv2d', () => {
  it('has weight [out, in / groups, kh, kw] and bias [out], named as in PyTorch', () => {
    const conv = new nn.Conv2d(4, 6, [3, 5], { groups: 2 });
    expect(conv.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [6, 2, 3, 5]], ['bias', [6]]]);
    expect(conv.kernelSize).toEqual([3, 5]);
    expect(conv.stride).toEqual([1, 1]);
    expect(conv.padding).toEqual([0, 0]);
    expect(conv.dilation).toEqual([1, 1]);
    expect(conv.groups).toBe(2);
  });

  it('computes F.conv2d with its own parameters and settings', () => {
    const settings: [number, number, number | [number, number], nn.Conv2dOptions][] = [
      [1, 8, 5, { padding: 2 }],
      [3, 4, 3, { stride: 2, padding: 1 }],
      [2, 3, [3, 2], { stride: [1, 2], padding: [2, 0], dilation: [2, 1], bias: false }],
      [4, 6, 3, { groups: 2, padding: 'same' }],
      [4, 4, 3, { groups: 4, padding: 'valid' }],
    ];
    for (const [inChannels, outChannels, kernelSize, options] of settings) {
      const conv = new nn.Conv2d(inChannels, outChannels, kernelSize, options);
      const x = wave([2, inChannels, 9, 8]);
      const { bias: _, ...functionalOptions } = options;
      const expected = F.conv2d(x, conv.weight, conv.bias, functionalOptions);
      const out = conv.forward(x);
      expect(out.shape).toEqual(expected.shape);
      expect(out.toFloat32Array()).toEqual(expected.toFloat32Array());
    }
  });

  it("keeps the input size with padding 'same', also for an even kernel", () => {
    expect(new nn.Conv2d(2, 3, [4, 3], { padding: 'same' }).forward(wave([1, 2, 7, 6])).shape).toEqual([1, 3, 7, 6]);
  });

  it('gives its weight and bias the gradients F.conv2d gives', () => {
    const conv = new nn.Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    const x = wave([2, 2, 6, 6]);
    conv.forward(x).sum().backward();
    const weight = tensor(conv.weight.toFloat32Array(), conv.weight.shape, { requiresGrad: true });
    const bias = tensor(conv.bias!.toFloat32Array(), conv.bias!.shape, { requiresGrad: true });
    F.conv2d(x, weight, bias, { stride: 2, padding: 1 }).sum().backward();
    expect(conv.weight.grad!.toFloat32Array()).toEqual(weight.grad!.toFloat32Array());
    // dL/db is the number of output positions per channel: batch 2 x 3 x 3.
    expect(conv.bias!.grad!.toArray()).toEqual([18, 18, 18]);
  });

  it('initialises like PyTorch: weight and bias uniform in ±1/√fanIn, fanIn = in / groups · kh · kw', () => {
    manualSeed(7);
    for (const [conv, fanIn] of [[new nn.Conv2d(16, 32, 3), 16 * 9], [new nn.Conv2d(16, 32, [5, 3], { groups: 4 }), 4 * 15]] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      const weight = bounds(conv.weight.toFloat32Array());
      expect(weight.min).toBeGreaterThanOrEqual(-bound);
      expect(weight.max).toBeLessThanOrEqual(bound);
      expect(weight.min).toBeLessThan(-0.98 * bound);
      expect(weight.max).toBeGreaterThan(0.98 * bound);
      const bias = bounds(conv.bias!.toFloat32Array());
      expect(bias.min).toBeGreaterThanOrEqual(-bound);
      expect(bias.max).toBeLessThanOrEqual(bound);
      expect(bias.max - bias.min).toBeGreaterThan(bound);
    }
  });

  it('is reproducible under manualSeed', () => {
    manualSeed(5);
    const a = new nn.Conv2d(3, 4, 3);
    manualSeed(5);
    const b = new nn.Conv2d(3, 4, 3);
    expect(b.weight.toFloat32Array()).toEqual(a.weight.toFloat32Array());
    expect(b.bias!.toFloat32Array()).toEqual(a.bias!.toFloat32Array());
  });

  it('without bias has only a weight', () => {
    const conv = new nn.Conv2d(1, 1, 2, { bias: false });
    expect(conv.bias).toBeNull();
    expect(conv.parameters()).toEqual([conv.weight]);
    conv.loadStateDict({ weight: { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] } });
    expect(conv.forward(tensor([[[[1, 1, 0], [0, 1, 1]]]])).toArray()).toEqual([[[[1 + 2 + 4, 1 + 3 + 4]]]]);
  });

  it('prints its settings as PyTorch does', () => {
    expect(new nn.Conv2d(1, 8, 5, { padding: 2 }).toString()).toBe('Conv2d(1, 8, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))');
    expect(new nn.Conv2d(8, 16, 5).toString()).toBe('Conv2d(8, 16, kernel_size=(5, 5), stride=(1, 1))');
    expect(new nn.Conv2d(4, 8, [3, 1], { stride: 2, dilation: [2, 1], groups: 2, bias: false }).toString()).toBe(
      'Conv2d(4, 8, kernel_size=(3, 1), stride=(2, 2), dilation=(2, 1), groups=2, bias=False)',
    );
    expect(new nn.Conv2d(3, 3, 3, { padding: 'same' }).toString()).toBe('Conv2d(3, 3, kernel_size=(3, 3), stride=(1, 1), padding=same)');
    expect(new nn.Conv2d(3, 3, 3, { padding: 'valid' }).toString()).toBe('Conv2d(3, 3, kernel_size=(3, 3), stride=(1, 1), padding=valid)');
  });

  it('names itself and both channel counts when the input has the wrong number of channels', () => {
    const conv = new nn.Conv2d(3, 8, 3);
    expect(() => conv.forward(wave([4, 1, 28, 28]))).toThrow(
      'simdgrad: Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1)): expected input with 3 channels, got [4, 1, 28, 28]; feed [N, 3, H, W] or build the layer as Conv2d(1, 8, ...).',
    );
  });

  it('refuses input that is not 4-D', () => {
    expect(() => new nn.Conv2d(1, 2, 3).forward(wave([1, 28, 28]))).toThrow(/Conv2d\(1, 2, .*\): expected a 4-D input \[N, C, H, W\], got \[1, 28, 28\]; add a batch dimension/);
  });

  it('refuses channel counts that groups do not divide, and bad sizes, when built', () => {
    expect(() => new nn.Conv2d(6, 4, 3, { groups: 4 })).toThrow(/Conv2d: inChannels \(6\) must be divisible by groups \(4\)/);
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow(/Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
    expect(() => new nn.Conv2d(4, 4, 3, { groups: 0 })).toThrow(/Conv2d: groups must be a positive integer, got 0/);
    expect(() => new nn.Conv2d(0, 4, 3)).toThrow(/Conv2d: inChannels must be a positive integer, got 0/);
    expect(() => new nn.Conv2d(1, 4, 0)).toThrow(/Conv2d: kernelSize must be a positive integer or a pair \[h, w\] of them, got 0/);
    expect(() => new nn.Conv2d(1, 4, 3, { padding: -1 })).toThrow(/Conv2d: padding must be a non-negative integer or a pair/);
    expect(() => new nn.Conv2d(1, 4, 3, { stride: 2, padding: 'same' })).toThrow(/Conv2d: padding 'same' needs stride 1, got stride \(2, 2\)/);
    expect(() => new nn.Conv2d(1, 4, 3, { padding: 'full' as 'same' })).toThrow(/Conv2d: padding must be a number, a pair \[h, w\], 'valid' or 'same', got 'full'/);
  });
});
