import { describe, expect, it } from 'vitest';
import { arange, F, nn, tensor, type Tensor } from 'simdgrad';

// [1, 1, 4, 4] holding 0..15 row by row.
const grid = (): Tensor => arange(16).reshape([1, 1, 4, 4]);

function wave(shape: number[]): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(1.3 * i) * 2), shape);
}

describe('nn.MaxPool2d', () => {
  it('takes the maximum of each window, with stride defaulting to the kernel size', () => {
    const pool = new nn.MaxPool2d(2);
    expect(pool.stride).toBe(2);
    expect(pool.forward(grid()).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  it('computes F.maxPool2d with its settings', () => {
    const x = wave([2, 3, 9, 8]);
    const settings: [number | [number, number], nn.MaxPool2dOptions][] = [
      [3, { stride: 2, padding: 1 }],
      [[3, 2], { stride: [2, 1], dilation: [2, 1] }],
      [3, { stride: 2, ceilMode: true }],
    ];
    for (const [kernelSize, options] of settings) {
      const expected = F.maxPool2d(x, { kernelSize, ...options });
      const out = new nn.MaxPool2d(kernelSize, options).forward(x);
      expect(out.shape).toEqual(expected.shape);
      expect(out.toFloat32Array()).toEqual(expected.toFloat32Array());
    }
  });

  it('passes the gradient to the maximum of each window', () => {
    const x = tensor([[[[1, 4], [3, 2]]]], undefined, { requiresGrad: true });
    new nn.MaxPool2d(2).forward(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[0, 1], [0, 0]]]]);
  });

  it('has no parameters and prints its settings as PyTorch does', () => {
    expect(new nn.MaxPool2d(2).numParameters()).toBe(0);
    expect(new nn.MaxPool2d(2).toString()).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new nn.MaxPool2d([3, 2], { stride: 1, padding: [1, 0], ceilMode: true }).toString()).toBe('MaxPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0), dilation=1, ceil_mode=True)');
  });

  it('refuses bad sizes when built, and input that is not 4-D', () => {
    expect(() => new nn.MaxPool2d(0)).toThrow(/MaxPool2d: kernelSize must be a positive integer or a pair \[h, w\] of them, got 0/);
    expect(() => new nn.MaxPool2d(2, { stride: [1, 0] })).toThrow(/MaxPool2d: stride must be a positive integer or a pair \[h, w\] of them, got \[1,0\]/);
    expect(() => new nn.MaxPool2d(2, { dilation: 1.5 })).toThrow(/MaxPool2d: dilation must be a positive integer/);
    expect(() => new nn.MaxPool2d(2).forward(wave([3, 4, 4]))).toThrow(/maxPool2d: expected a 4-D input \[N, C, H, W\], got \[3, 4, 4\]/);
  });
});

describe('nn.AvgPool2d', () => {
  it('averages each window, with stride defaulting to the kernel size', () => {
    expect(new nn.AvgPool2d(2).forward(grid()).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
  });

  it('counts the padding in the divisor unless countIncludePad is false', () => {
    // The top-left 3x3 window over padding 1 holds 0, 1, 4, 5 and five zeros of padding.
    const included = new nn.AvgPool2d(3, { stride: 3, padding: 1 }).forward(grid()).toFloat32Array();
    const excluded = new nn.AvgPool2d(3, { stride: 3, padding: 1, countIncludePad: false }).forward(grid()).toFloat32Array();
    expect(included[0]).toBeCloseTo(10 / 9, 6);
    expect(excluded[0]).toBeCloseTo(10 / 4, 6);
  });

  it('computes F.avgPool2d with its settings', () => {
    const x = wave([2, 3, 9, 8]);
    const settings: [number | [number, number], nn.AvgPool2dOptions][] = [
      [3, { stride: 1, padding: 1, countIncludePad: false }],
      [[2, 3], { stride: [2, 1], padding: [1, 1] }],
      [3, { stride: 2, ceilMode: true }],
    ];
    for (const [kernelSize, options] of settings) {
      const expected = F.avgPool2d(x, { kernelSize, ...options });
      const out = new nn.AvgPool2d(kernelSize, options).forward(x);
      expect(out.shape).toEqual(expected.shape);
      expect(out.toFloat32Array()).toEqual(expected.toFloat32Array());
    }
  });

  it('prints its settings as PyTorch does', () => {
    expect(new nn.AvgPool2d(2).toString()).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(new nn.AvgPool2d([2, 2], { stride: 1, padding: 1 }).toString()).toBe('AvgPool2d(kernel_size=(2, 2), stride=1, padding=1)');
  });

  it('refuses bad sizes when built', () => {
    expect(() => new nn.AvgPool2d(2, { padding: -1 })).toThrow(/AvgPool2d: padding must be a non-negative integer or a pair \[h, w\] of them, got -1/);
  });
});

describe('nn.AdaptiveAvgPool2d', () => {
  it('averages to a fixed output size whatever the input size', () => {
    const pool = new nn.AdaptiveAvgPool2d(1);
    expect(pool.forward(grid()).toArray()).toEqual([[[[7.5]]]]);
    expect(pool.forward(wave([2, 3, 7, 5])).shape).toEqual([2, 3, 1, 1]);
    expect(new nn.AdaptiveAvgPool2d([2, 1]).forward(grid()).toArray()).toEqual([[[[3.5], [11.5]]]]);
  });

  it('computes F.adaptiveAvgPool2d, null keeping an input dimension', () => {
    const x = wave([2, 3, 9, 7]);
    for (const size of [3, [4, null], [null, 2]] as const) {
      const out = new nn.AdaptiveAvgPool2d(size).forward(x);
      expect(out.toFloat32Array()).toEqual(F.adaptiveAvgPool2d(x, size).toFloat32Array());
    }
    expect(new nn.AdaptiveAvgPool2d([4, null]).forward(x).shape).toEqual([2, 3, 4, 7]);
  });

  it('prints its output size as PyTorch does', () => {
    expect(new nn.AdaptiveAvgPool2d(1).toString()).toBe('AdaptiveAvgPool2d(output_size=1)');
    expect(new nn.AdaptiveAvgPool2d([5, null]).toString()).toBe('AdaptiveAvgPool2d(output_size=(5, None))');
  });

  it('refuses an output size that is not positive integers when built', () => {
    expect(() => new nn.AdaptiveAvgPool2d(0)).toThrow(/AdaptiveAvgPool2d: outputSize must be a positive integer or a pair \[h, w\] of them \(null keeps the input size\), got 0/);
    expect(() => new nn.AdaptiveAvgPool2d([2, 2.5])).toThrow(/got \[2,2\.5\]/);
  });
});
