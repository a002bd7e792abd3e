import { describe, expect, it } from 'vitest';
import { F, nn, tensor, type Tensor } from 'simdgrad';

function wave(shape: number[], phase = 0): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + phase) * 1.5), shape);
}

describe('nn.Conv1d', () => {
  it('has weight [out, in / groups, k] and bias [out], named as in PyTorch, from U(-1/√fanIn, 1/√fanIn)', () => {
    const conv = new nn.Conv1d(4, 6, 5, { groups: 2 });
    expect(conv.namedParameters().map(([name, p]) => [name, [...p.shape]])).toEqual([['weight', [6, 2, 5]], ['bias', [6]]]);
    const bound = 1 / Math.sqrt(2 * 5);
    for (const p of [conv.weight, conv.bias!]) {
      const values = p.toFloat32Array();
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('computes F.conv1d with its own parameters and settings', () => {
    const settings: [number, number, number, nn.Conv1dOptions][] = [
      [3, 4, 3, { padding: 1 }],
      [4, 6, 5, { stride: 2, padding: 2, groups: 2, bias: false }],
      [2, 2, 3, { dilation: 2, padding: 'same', groups: 2 }],
    ];
    for (const [inChannels, outChannels, kernelSize, options] of settings) {
      const conv = new nn.Conv1d(inChannels, outChannels, kernelSize, options);
      const x = wave([2, inChannels, 11]);
      const { bias: _, ...functionalOptions } = options;
      const expected = F.conv1d(x, conv.weight, conv.bias, functionalOptions);
      const out = conv.forward(x);
      expect(out.shape).toEqual(expected.shape);
      expect(out.toFloat32Array()).toEqual(expected.toFloat32Array());
    }
  });

  it('prints as PyTorch does', () => {
    expect(new nn.Conv1d(3, 4, 3).toString()).toBe('Conv1d(3, 4, kernel_size=(3,), stride=(1,))');
    expect(new nn.Conv1d(4, 6, 5, { stride: 2, padding: 2, dilation: 3, groups: 2, bias: false }).toString()).toBe(
      'Conv1d(4, 6, kernel_size=(5,), stride=(2,), padding=(2,), dilation=(3,), groups=2, bias=False)',
    );
    expect(new nn.Conv1d(2, 2, 3, { padding: 'same' }).toString()).toBe('Conv1d(2, 2, kernel_size=(3,), stride=(1,), padding=same)');
  });

  it('checks its arguments and its input in terms of its own settings', () => {
    expect(() => new nn.Conv1d(3, 4, 3, { groups: 2 })).toThrow(/^simdgrad: Conv1d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new nn.Conv1d(3, 4, 0)).toThrow(/^simdgrad: Conv1d: kernelSize must be an integer >= 1, got 0/);
    expect(() => new nn.Conv1d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(/^simdgrad: Conv1d: padding 'same' needs stride 1/);
    const conv = new nn.Conv1d(3, 4, 3);
    expect(() => conv.forward(wave([2, 3, 4, 4]))).toThrow(/^simdgrad: Conv1d\(3, 4, kernel_size=\(3,\), stride=\(1,\)\): expected a 3-D input \[N, C, L\], got \[2, 3, 4, 4\]/);
    expect(() => conv.forward(wave([2, 2, 8]))).toThrow(/expected input with 3 channels, got \[2, 2, 8\]/);
  });
});
