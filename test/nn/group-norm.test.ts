import { describe, expect, it } from 'vitest';
import { F, nn, tensor, type Tensor } from 'simdgrad';

function wave(shape: number[]): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  return tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i) * 1.5 + i * 0.01), shape);
}

describe('nn.GroupNorm', () => {
  it('has weight ones and bias zeros of numChannels, named as in PyTorch, or none without affine', () => {
    const norm = new nn.GroupNorm(2, 6);
    expect(norm.namedParameters().map(([name, p]) => [name, p.toArray()])).toEqual([['weight', [1, 1, 1, 1, 1, 1]], ['bias', [0, 0, 0, 0, 0, 0]]]);
    expect(new nn.GroupNorm(2, 6, { affine: false }).namedParameters()).toEqual([]);
  });

  it('computes F.groupNorm with its parameters, and the same in training and eval', () => {
    const norm = new nn.GroupNorm(3, 6, { eps: 1e-3 });
    const x = wave([2, 6, 5]);
    const want = F.groupNorm(x, 3, { weight: norm.weight, bias: norm.bias, eps: 1e-3 }).toFloat32Array();
    expect(norm.forward(x).toFloat32Array()).toEqual(want);
    norm.eval();
    expect(norm.forward(x).toFloat32Array()).toEqual(want);
  });

  it('prints as PyTorch does', () => {
    expect(new nn.GroupNorm(2, 6).toString()).toBe('GroupNorm(2, 6, eps=1e-05, affine=True)');
    expect(new nn.GroupNorm(1, 4, { eps: 0.001, affine: false }).toString()).toBe('GroupNorm(1, 4, eps=0.001, affine=False)');
  });

  it('checks its arguments and its input', () => {
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/^simdgrad: GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/);
    expect(() => new nn.GroupNorm(0, 6)).toThrow(/^simdgrad: GroupNorm: numGroups must be an integer >= 1, got 0/);
    expect(() => new nn.GroupNorm(2, 6).forward(wave([2, 4]))).toThrow(/^simdgrad: GroupNorm\(2, 6, eps=1e-05, affine=True\): expected input \[N, 6, \.\.\.\], got \[2, 4\]/);
  });
});
